`timescale 1 ns / 1 ps

module trigq_nn (
    input clk,
    input [3455:0] model_inp,
    output reg [6:0] model_out
);

    reg [3455:0] stage0_inp;
    reg [19645:0] stage1_inp;
    reg [8835:0] stage2_inp;
    reg [2772:0] stage3_inp;
    reg [8369:0] stage4_inp;
    reg [5759:0] stage5_inp;
    reg [2288:0] stage6_inp;
    reg [1238:0] stage7_inp;
    reg [303:0] stage8_inp;
    reg [153:0] stage9_inp;
    reg [53:0] stage10_inp;
    reg [68:0] stage11_inp;
    reg [60:0] stage12_inp;
    reg [13:0] stage13_inp;
    wire [19645:0] stage0_out;
    wire [8835:0] stage1_out;
    wire [2772:0] stage2_out;
    wire [8369:0] stage3_out;
    wire [5759:0] stage4_out;
    wire [2288:0] stage5_out;
    wire [1238:0] stage6_out;
    wire [303:0] stage7_out;
    wire [153:0] stage8_out;
    wire [53:0] stage9_out;
    wire [68:0] stage10_out;
    wire [60:0] stage11_out;
    wire [13:0] stage12_out;
    wire [6:0] stage13_out;

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
    trigq_nn_stage12 stage12 (.model_inp(stage12_inp), .model_out(stage12_out));
    trigq_nn_stage13 stage13 (.model_inp(stage13_inp), .model_out(stage13_out));

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
        stage12_inp <= stage11_out;
        stage13_inp <= stage12_out;
        model_out <= stage13_out;
    end
endmodule
