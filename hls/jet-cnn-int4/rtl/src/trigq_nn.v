`timescale 1 ns / 1 ps

module trigq_nn (
    input clk,
    input [9999:0] model_inp,
    output reg [9:0] model_out
);

    reg [9999:0] stage0_inp;
    reg [20303:0] stage1_inp;
    reg [7055:0] stage2_inp;
    reg [2627:0] stage3_inp;
    reg [2443:0] stage4_inp;
    reg [5983:0] stage5_inp;
    reg [2207:0] stage6_inp;
    reg [1084:0] stage7_inp;
    reg [1870:0] stage8_inp;
    reg [382:0] stage9_inp;
    reg [63:0] stage10_inp;
    reg [25:0] stage11_inp;
    wire [20303:0] stage0_out;
    wire [7055:0] stage1_out;
    wire [2627:0] stage2_out;
    wire [2443:0] stage3_out;
    wire [5983:0] stage4_out;
    wire [2207:0] stage5_out;
    wire [1084:0] stage6_out;
    wire [1870:0] stage7_out;
    wire [382:0] stage8_out;
    wire [63:0] stage9_out;
    wire [25:0] stage10_out;
    wire [9:0] stage11_out;

    trigq_nn_stage0 stage0 (.model_inp(stage0_inp), .model_out(stage0_out));
    trigq_nn_stage1 stage1 (.model_inp(stage1_inp), .model_out(stage1_out));
    trigq_nn_stage2 stage2 (.model_inp(stage2_inp), .model_out(stage2_out));
    trigq_nn_stage3 stage3 (.model_inp(stage3_inp), .model_out(stage3_out));
    trigq_nn_stage4 stage4 (.model_inp(stage4_inp), .model_out(stage4_out));
    trigq_nn_stage5 stage5 (.model_inp(stage5_inp), .model_out(stage5_out));
    trigq_nn_stage6 stage6 (.model_inp(stage6_inp), .model_out(stage6_out));
    trigq_nn_stage7 stage7 (.model_inp(stage7_inp), .model_out(stage7_out));
    trigq_nn_stage8 stage8 (.model_inp(stage8_inp), .model_out(stage8_out));
    trigq_nn_stage9 stage9 (.model_inp(stage9_inp), .model_out(stage9_out));
    trigq_nn_stage10 stage10 (.model_inp(stage10_inp), .model_out(stage10_out));
    trigq_nn_stage11 stage11 (.model_inp(stage11_inp), .model_out(stage11_out));

    always @(posedge clk) begin
        stage0_inp <= model_inp;
        stage1_inp <= stage0_out;
        stage2_inp <= stage1_out;
        stage3_inp <= stage2_out;
        stage4_inp <= stage3_out;
        stage5_inp <= stage4_out;
        stage6_inp <= stage5_out;
        stage7_inp <= stage6_out;
        stage8_inp <= stage7_out;
        stage9_inp <= stage8_out;
        stage10_inp <= stage9_out;
        stage11_inp <= stage10_out;
        model_out <= stage11_out;
    end
endmodule
