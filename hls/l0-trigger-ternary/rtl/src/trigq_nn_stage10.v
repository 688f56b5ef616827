`timescale 1 ns / 1 ps

module trigq_nn_stage10 (
    input [53:0] model_inp,
    output [68:0] model_out
);

    // verilator lint_off UNUSEDSIGNAL
    // Explicit quantization operation will drop bits if exists

    wire [2:0] v0; assign v0[2:0] = model_inp[2:0];
    wire [2:0] v1; assign v1[2:0] = model_inp[5:3];
    wire [3:0] v2; shift_adder #(3, 3, 0, 0, 4, 0, 0) op_2 (v0[2:0], v1[2:0], v2[3:0]);
    wire [2:0] v3; assign v3[2:0] = model_inp[8:6];
    wire [3:0] v4; assign v4[3:0] = model_inp[12:9];
    wire [4:0] v5; shift_adder #(3, 4, 0, 0, 5, 0, 0) op_5 (v3[2:0], v4[3:0], v5[4:0]);
    wire [2:0] v6; assign v6[2:0] = model_inp[15:13];
    wire [2:0] v7; assign v7[2:0] = model_inp[18:16];
    wire [3:0] v8; shift_adder #(3, 3, 0, 0, 4, 0, 0) op_8 (v6[2:0], v7[2:0], v8[3:0]);
    wire [2:0] v9; assign v9[2:0] = model_inp[21:19];
    wire [3:0] v10; shift_adder #(3, 3, 0, 0, 4, 0, 1) op_10 (v9[2:0], v0[2:0], v10[3:0]);
    wire [2:0] v11; assign v11[2:0] = model_inp[24:22];
    wire [2:0] v12; assign v12[2:0] = model_inp[27:25];
    wire [3:0] v13; shift_adder #(3, 3, 0, 0, 4, 0, 0) op_13 (v11[2:0], v12[2:0], v13[3:0]);
    wire [3:0] v14; shift_adder #(3, 3, 0, 0, 4, 0, 1) op_14 (v6[2:0], v1[2:0], v14[3:0]);
    wire [2:0] v15; assign v15[2:0] = model_inp[30:28];
    wire [2:0] v16; assign v16[2:0] = model_inp[33:31];
    wire [3:0] v17; shift_adder #(3, 3, 0, 0, 4, 0, 0) op_17 (v15[2:0], v16[2:0], v17[3:0]);
    wire [2:0] v18; assign v18[2:0] = model_inp[36:34];
    wire [3:0] v19; shift_adder #(3, 3, 0, 0, 4, 0, 0) op_19 (v18[2:0], v11[2:0], v19[3:0]);
    wire [3:0] v20; assign v20[3:0] = model_inp[40:37];
    wire [4:0] v21; shift_adder #(3, 4, 0, 0, 5, 0, 0) op_21 (v12[2:0], v20[3:0], v21[4:0]);
    wire [2:0] v22; assign v22[2:0] = model_inp[43:41];
    wire [3:0] v23; shift_adder #(3, 3, 0, 0, 4, 0, 0) op_23 (v22[2:0], v1[2:0], v23[3:0]);
    wire [4:0] v24; shift_adder #(4, 3, 0, 0, 5, 0, 1) op_24 (v20[3:0], v6[2:0], v24[4:0]);
    wire [2:0] v25; assign v25[2:0] = model_inp[46:44];
    wire [4:0] v26; shift_adder #(3, 4, 0, 0, 5, 0, 0) op_26 (v25[2:0], v2[3:0], v26[4:0]);
    wire [5:0] v27; shift_adder #(5, 4, 0, 0, 6, 0, 0) op_27 (v5[4:0], v8[3:0], v27[5:0]);
    wire [5:0] v28; shift_adder #(4, 4, 1, 0, 6, 0, 0) op_28 (v10[3:0], v13[3:0], v28[5:0]);
    wire [2:0] v29; assign v29[2:0] = model_inp[49:47];
    wire [4:0] v30; shift_adder #(3, 4, 0, 0, 5, 0, 0) op_30 (v29[2:0], v17[3:0], v30[4:0]);
    wire [4:0] v31; shift_adder #(4, 4, 0, 0, 5, 0, 1) op_31 (v17[3:0], v2[3:0], v31[4:0]);
    wire [6:0] v32; shift_adder #(6, 2, 0, 0, 7, 0, 1) op_32 (v27[5:0], 2'b11, v32[6:0]);
    wire [5:0] v32_neg; negative #(7, 6, 1) op_neg_32 (v32, v32_neg);
    wire [1:0] v33; assign v33[1:0] = v32_neg[1:0] & {2{~v32_neg[5]}};
    wire [0:0] v34; assign v34[0:0] = v33[1:1];
    wire [4:0] v35; shift_adder #(4, 4, 0, 0, 5, 0, 1) op_35 (v19[3:0], v2[3:0], v35[4:0]);
    wire [5:0] v36; shift_adder #(5, 3, 0, 0, 6, 0, 1) op_36 (v21[4:0], v1[2:0], v36[5:0]);
    wire [5:0] v37; shift_adder #(5, 4, 1, 0, 6, 0, 0) op_37 (v24[4:0], v23[3:0], v37[5:0]);
    wire [6:0] v38; shift_adder #(6, 6, 0, 1, 7, 0, 0) op_38 (v27[5:0], v28[5:0], v38[6:0]);
    wire [5:0] v39; shift_adder #(4, 5, 1, 0, 6, 0, 0) op_39 (v14[3:0], v30[4:0], v39[5:0]);
    wire [6:0] v40; shift_adder #(7, 1, 1, 0, 7, 0, 1) op_40 (v38[6:0], 1'b1, v40[6:0]);
    wire [5:0] v41; assign v41[5:0] = v40[5:0] & {6{~v40[6]}};
    wire [0:0] v42; assign v42[0:0] = v41[1:1];
    wire [2:0] v43; shift_adder #(2, 1, 0, 0, 3, 0, 0) op_43 (v33[1:0], v34[0:0], v43[2:0]);
    wire [1:0] v44; assign v44[1:0] = v43[2:1];
    wire [5:0] v45; shift_adder #(5, 4, 0, 0, 6, 0, 0) op_45 (v30[4:0], v23[3:0], v45[5:0]);
    wire [3:0] v46; assign v46[3:0] = model_inp[53:50];

    // verilator lint_on UNUSEDSIGNAL

    assign model_out[4:0] = v26[4:0];
    assign model_out[11:5] = v38[6:0];
    assign model_out[17:12] = v39[5:0];
    assign model_out[22:18] = v31[4:0];
    assign model_out[28:23] = v41[5:0];
    assign model_out[29:29] = v42[0:0];
    assign model_out[33:30] = v2[3:0];
    assign model_out[38:34] = v35[4:0];
    assign model_out[44:39] = v36[5:0];
    assign model_out[47:45] = v9[2:0];
    assign model_out[53:48] = v45[5:0];
    assign model_out[56:54] = v3[2:0];
    assign model_out[62:57] = v37[5:0];
    assign model_out[66:63] = v46[3:0];
    assign model_out[68:67] = v44[1:0];

endmodule
