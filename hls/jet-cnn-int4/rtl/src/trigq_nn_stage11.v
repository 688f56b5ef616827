`timescale 1 ns / 1 ps

module trigq_nn_stage11 (
    input [25:0] model_inp,
    output [9:0] model_out
);

    // verilator lint_off UNUSEDSIGNAL
    // Explicit quantization operation will drop bits if exists

    wire [7:0] v0; assign v0[7:0] = model_inp[7:0];
    wire [8:0] v1; assign v1[8:0] = model_inp[16:8];
    wire [8:0] v2; shift_adder #(8, 9, 1, 1, 9, 0, 0) op_2 (v0[7:0], v1[8:0], v2[8:0]);
    wire [8:0] v3; assign v3[8:0] = model_inp[25:17];
    wire [9:0] v4; shift_adder #(9, 9, 1, 1, 10, 0, 1) op_4 (v2[8:0], v3[8:0], v4[9:0]);
    wire [9:0] v5; shift_adder #(10, 2, 1, 0, 10, 0, 1) op_5 (v4[9:0], 2'b11, v5[9:0]);

    // verilator lint_on UNUSEDSIGNAL

    assign model_out[9:0] = v5[9:0];

endmodule
