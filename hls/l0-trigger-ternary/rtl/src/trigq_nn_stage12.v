`timescale 1 ns / 1 ps

module trigq_nn_stage12 (
    input [60:0] model_inp,
    output [13:0] model_out
);

    // verilator lint_off UNUSEDSIGNAL
    // Explicit quantization operation will drop bits if exists

    wire [2:0] v0; assign v0[2:0] = model_inp[2:0];
    wire [2:0] v1; assign v1[2:0] = model_inp[5:3];
    wire [3:0] v2; shift_adder #(3, 3, 0, 0, 4, 0, 1) op_2 (v0[2:0], v1[2:0], v2[3:0]);
    wire [3:0] v3; assign v3[3:0] = model_inp[9:6];
    wire [2:0] v4; assign v4[2:0] = model_inp[12:10];
    wire [4:0] v5; shift_adder #(4, 3, 1, 0, 5, 0, 0) op_5 (v3[3:0], v4[2:0], v5[4:0]);
    wire [2:0] v6; assign v6[2:0] = model_inp[15:13];
    wire [2:0] v7; assign v7[2:0] = model_inp[18:16];
    wire [3:0] v8; shift_adder #(3, 3, 0, 0, 4, 0, 0) op_8 (v6[2:0], v7[2:0], v8[3:0]);
    wire [6:0] v9; assign v9[6:0] = model_inp[25:19];
    wire [0:0] v10; assign v10[0:0] = model_inp[26:26];
    wire [6:0] v11; shift_adder #(7, 1, 0, 0, 7, 0, 0) op_11 (v9[6:0], v10[0:0], v11[6:0]);
    wire [5:0] v12; assign v12[5:0] = v11[6:1];
    wire [6:0] v13; shift_adder #(6, 3, 0, 0, 7, 0, 1) op_13 (v12[5:0], 3'b111, v13[6:0]);
    wire [6:0] v14; assign v14[6:0] = model_inp[33:27];
    wire [0:0] v15; assign v15[0:0] = model_inp[34:34];
    wire [6:0] v16; shift_adder #(7, 1, 0, 0, 7, 0, 0) op_16 (v14[6:0], v15[0:0], v16[6:0]);
    wire [5:0] v17; assign v17[5:0] = v16[6:1];
    wire [6:0] v18; shift_adder #(6, 3, 0, 0, 7, 0, 1) op_18 (v17[5:0], 3'b111, v18[6:0]);
    wire [2:0] v19; assign v19[2:0] = 'b111;
    wire [5:0] v20; assign v20[5:0] = model_inp[40:35];
    wire [5:0] v21; assign v21[5:0] = model_inp[46:41];
    wire [2:0] v22; mux #(6, 3, 0, 0, 3, 0, 0) op_22 (v21[5], v20[5:0], v19[2:0], v22[2:0]);
    wire [2:0] v23; assign v23[2:0] = 'b111;
    wire [4:0] v24; assign v24[4:0] = model_inp[51:47];
    wire [5:0] v25; assign v25[5:0] = model_inp[57:52];
    wire [2:0] v26; mux #(5, 3, 0, 0, 3, 0, 0) op_26 (v25[5], v24[4:0], v23[2:0], v26[2:0]);
    wire [2:0] v27; assign v27[2:0] = model_inp[60:58];
    wire [4:0] v28; shift_adder #(4, 3, 1, 0, 5, 0, 1) op_28 (v2[3:0], v27[2:0], v28[4:0]);
    wire [4:0] v29; shift_adder #(5, 4, 1, 0, 5, 0, 1) op_29 (v5[4:0], v8[3:0], v29[4:0]);
    wire [2:0] v30; assign v30[2:0] = 'b111;
    wire [2:0] v31; mux #(6, 3, 0, 0, 3, 0, 0) op_31 (v13[6], v12[5:0], v30[2:0], v31[2:0]);
    wire [2:0] v32; assign v32[2:0] = 'b111;
    wire [2:0] v33; mux #(6, 3, 0, 0, 3, 0, 0) op_33 (v18[6], v17[5:0], v32[2:0], v33[2:0]);
    wire [3:0] v34; shift_adder #(3, 3, 0, 0, 4, 0, 0) op_34 (v22[2:0], v26[2:0], v34[3:0]);
    wire [5:0] v35; shift_adder #(5, 5, 1, 1, 6, 0, 0) op_35 (v28[4:0], v29[4:0], v35[5:0]);
    wire [4:0] v36; shift_adder #(3, 4, 0, 0, 5, 0, 0) op_36 (v33[2:0], v34[3:0], v36[4:0]);

    // verilator lint_on UNUSEDSIGNAL

    assign model_out[5:0] = v35[5:0];
    assign model_out[8:6] = v31[2:0];
    assign model_out[13:9] = v36[4:0];

endmodule
