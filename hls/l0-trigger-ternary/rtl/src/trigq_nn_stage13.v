`timescale 1 ns / 1 ps

module trigq_nn_stage13 (
    input [13:0] model_inp,
    output [6:0] model_out
);

    // verilator lint_off UNUSEDSIGNAL
    // Explicit quantization operation will drop bits if exists

    wire [5:0] v0; assign v0[5:0] = model_inp[5:0];
    wire [2:0] v1; assign v1[2:0] = model_inp[8:6];
    wire [6:0] v2; shift_adder #(6, 3, 1, 0, 7, 0, 1) op_2 (v0[5:0], v1[2:0], v2[6:0]);
    wire [4:0] v3; assign v3[4:0] = model_inp[13:9];
    wire [6:0] v4; shift_adder #(7, 5, 1, 0, 7, 0, 1) op_4 (v2[6:0], v3[4:0], v4[6:0]);
    wire [6:0] v5; shift_adder #(7, 1, 1, 0, 7, 0, 1) op_5 (v4[6:0], 1'b1, v5[6:0]);

    // verilator lint_on UNUSEDSIGNAL

    assign model_out[6:0] = v5[6:0];

endmodule
