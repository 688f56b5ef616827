`timescale 1 ns / 1 ps

module trigq_nn_stage10 (
    input [63:0] model_inp,
    output [25:0] model_out
);

    // verilator lint_off UNUSEDSIGNAL
    // Explicit quantization operation will drop bits if exists

    wire [3:0] v0; assign v0[3:0] = model_inp[3:0];
    wire [3:0] v1; assign v1[3:0] = model_inp[7:4];
    wire [4:0] v2; shift_adder #(4, 4, 0, 0, 5, 0, 1) op_2 (v0[3:0], v1[3:0], v2[4:0]);
    wire [3:0] v3; assign v3[3:0] = model_inp[11:8];
    wire [3:0] v4; assign v4[3:0] = model_inp[15:12];
    wire [4:0] v5; shift_adder #(4, 4, 0, 0, 5, 0, 1) op_5 (v3[3:0], v4[3:0], v5[4:0]);
    wire [3:0] v6; assign v6[3:0] = model_inp[19:16];
    wire [3:0] v7; assign v7[3:0] = model_inp[23:20];
    wire [4:0] v8; shift_adder #(4, 4, 0, 0, 5, 0, 0) op_8 (v6[3:0], v7[3:0], v8[4:0]);
    wire [3:0] v9; assign v9[3:0] = model_inp[27:24];
    wire [3:0] v10; assign v10[3:0] = model_inp[31:28];
    wire [4:0] v11; shift_adder #(4, 4, 0, 0, 5, 0, 0) op_11 (v9[3:0], v10[3:0], v11[4:0]);
    wire [3:0] v12; assign v12[3:0] = model_inp[35:32];
    wire [3:0] v13; assign v13[3:0] = model_inp[39:36];
    wire [5:0] v14; shift_adder #(4, 4, 0, 0, 6, -1, 0) op_14 (v12[3:0], v13[3:0], v14[5:0]);
    wire [3:0] v15; assign v15[3:0] = model_inp[43:40];
    wire [5:0] v16; shift_adder #(4, 4, 0, 0, 6, -1, 1) op_16 (v9[3:0], v15[3:0], v16[5:0]);
    wire [3:0] v17; assign v17[3:0] = model_inp[47:44];
    wire [3:0] v18; assign v18[3:0] = model_inp[51:48];
    wire [6:0] v19; shift_adder #(4, 4, 0, 0, 7, -2, 0) op_19 (v17[3:0], v18[3:0], v19[6:0]);
    wire [3:0] v20; assign v20[3:0] = model_inp[55:52];
    wire [3:0] v21; assign v21[3:0] = model_inp[59:56];
    wire [4:0] v22; shift_adder #(4, 4, 0, 0, 5, 0, 0) op_22 (v20[3:0], v21[3:0], v22[4:0]);
    wire [5:0] v23; shift_adder #(5, 5, 1, 1, 6, 0, 1) op_23 (v2[4:0], v5[4:0], v23[5:0]);
    wire [3:0] v24; assign v24[3:0] = model_inp[63:60];
    wire [6:0] v25; shift_adder #(5, 4, 0, 0, 7, 2, 1) op_25 (v11[4:0], v24[3:0], v25[6:0]);
    wire [7:0] v26; shift_adder #(6, 6, 0, 1, 8, 0, 0) op_26 (v14[5:0], v16[5:0], v26[7:0]);
    wire [7:0] v27; shift_adder #(7, 5, 0, 0, 8, 1, 0) op_27 (v19[6:0], v22[4:0], v27[7:0]);
    wire [7:0] v28; shift_adder #(6, 5, 1, 0, 8, 1, 1) op_28 (v23[5:0], v8[4:0], v28[7:0]);
    wire [8:0] v29; shift_adder #(7, 8, 1, 1, 9, 1, 0) op_29 (v25[6:0], v26[7:0], v29[8:0]);
    wire [8:0] v30; shift_adder #(6, 8, 1, 0, 9, -2, 0) op_30 (v23[5:0], v27[7:0], v30[8:0]);

    // verilator lint_on UNUSEDSIGNAL

    assign model_out[7:0] = v28[7:0];
    assign model_out[16:8] = v29[8:0];
    assign model_out[25:17] = v30[8:0];

endmodule
