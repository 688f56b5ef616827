`timescale 1 ns / 1 ps

module trigq_nn_stage9 (
    input [153:0] model_inp,
    output [53:0] model_out
);

    // verilator lint_off UNUSEDSIGNAL
    // Explicit quantization operation will drop bits if exists

    wire [2:0] v0; assign v0[2:0] = model_inp[2:0];
    wire [2:0] v1; assign v1[2:0] = model_inp[5:3];
    wire [3:0] v2; assign v2[3:0] = model_inp[9:6];
    wire [2:0] v3; mux #(3, 3, 0, 0, 3, 0, 0) op_3 (v2[3], v0[2:0], v1[2:0], v3[2:0]);
    wire [2:0] v4; assign v4[2:0] = model_inp[12:10];
    wire [2:0] v5; assign v5[2:0] = model_inp[15:13];
    wire [3:0] v6; assign v6[3:0] = model_inp[19:16];
    wire [2:0] v7; mux #(3, 3, 0, 0, 3, 0, 0) op_7 (v6[3], v4[2:0], v5[2:0], v7[2:0]);
    wire [2:0] v8; assign v8[2:0] = model_inp[22:20];
    wire [2:0] v9; assign v9[2:0] = model_inp[25:23];
    wire [3:0] v10; assign v10[3:0] = model_inp[29:26];
    wire [2:0] v11; mux #(3, 3, 0, 0, 3, 0, 0) op_11 (v10[3], v8[2:0], v9[2:0], v11[2:0]);
    wire [2:0] v12; assign v12[2:0] = model_inp[32:30];
    wire [2:0] v13; assign v13[2:0] = model_inp[35:33];
    wire [3:0] v14; assign v14[3:0] = model_inp[39:36];
    wire [2:0] v15; mux #(3, 3, 0, 0, 3, 0, 0) op_15 (v14[3], v12[2:0], v13[2:0], v15[2:0]);
    wire [2:0] v16; assign v16[2:0] = model_inp[42:40];
    wire [2:0] v17; assign v17[2:0] = model_inp[45:43];
    wire [3:0] v18; shift_adder #(3, 3, 0, 0, 4, 0, 1) op_18 (v16[2:0], v17[2:0], v18[3:0]);
    wire [2:0] v19; assign v19[2:0] = model_inp[48:46];
    wire [2:0] v20; assign v20[2:0] = model_inp[51:49];
    wire [3:0] v21; shift_adder #(3, 3, 0, 0, 4, 0, 1) op_21 (v19[2:0], v20[2:0], v21[3:0]);
    wire [2:0] v22; assign v22[2:0] = model_inp[54:52];
    wire [2:0] v23; assign v23[2:0] = model_inp[57:55];
    wire [3:0] v24; assign v24[3:0] = model_inp[61:58];
    wire [2:0] v25; mux #(3, 3, 0, 0, 3, 0, 0) op_25 (v24[3], v22[2:0], v23[2:0], v25[2:0]);
    wire [2:0] v26; assign v26[2:0] = model_inp[64:62];
    wire [2:0] v27; assign v27[2:0] = model_inp[67:65];
    wire [3:0] v28; assign v28[3:0] = model_inp[71:68];
    wire [2:0] v29; mux #(3, 3, 0, 0, 3, 0, 0) op_29 (v28[3], v26[2:0], v27[2:0], v29[2:0]);
    wire [2:0] v30; assign v30[2:0] = model_inp[74:72];
    wire [2:0] v31; assign v31[2:0] = model_inp[77:75];
    wire [3:0] v32; shift_adder #(3, 3, 0, 0, 4, 0, 1) op_32 (v30[2:0], v31[2:0], v32[3:0]);
    wire [2:0] v33; assign v33[2:0] = model_inp[80:78];
    wire [2:0] v34; assign v34[2:0] = model_inp[83:81];
    wire [3:0] v35; assign v35[3:0] = model_inp[87:84];
    wire [2:0] v36; mux #(3, 3, 0, 0, 3, 0, 0) op_36 (v35[3], v33[2:0], v34[2:0], v36[2:0]);
    wire [2:0] v37; assign v37[2:0] = model_inp[90:88];
    wire [2:0] v38; assign v38[2:0] = model_inp[93:91];
    wire [3:0] v39; assign v39[3:0] = model_inp[97:94];
    wire [2:0] v40; mux #(3, 3, 0, 0, 3, 0, 0) op_40 (v39[3], v37[2:0], v38[2:0], v40[2:0]);
    wire [2:0] v41; assign v41[2:0] = model_inp[100:98];
    wire [2:0] v42; assign v42[2:0] = model_inp[103:101];
    wire [3:0] v43; assign v43[3:0] = model_inp[107:104];
    wire [2:0] v44; mux #(3, 3, 0, 0, 3, 0, 0) op_44 (v43[3], v41[2:0], v42[2:0], v44[2:0]);
    wire [2:0] v45; assign v45[2:0] = model_inp[110:108];
    wire [2:0] v46; assign v46[2:0] = model_inp[113:111];
    wire [3:0] v47; assign v47[3:0] = model_inp[117:114];
    wire [2:0] v48; mux #(3, 3, 0, 0, 3, 0, 0) op_48 (v47[3], v45[2:0], v46[2:0], v48[2:0]);
    wire [2:0] v49; assign v49[2:0] = model_inp[120:118];
    wire [2:0] v50; assign v50[2:0] = model_inp[123:121];
    wire [3:0] v51; shift_adder #(3, 3, 0, 0, 4, 0, 1) op_51 (v49[2:0], v50[2:0], v51[3:0]);
    wire [2:0] v52; assign v52[2:0] = model_inp[126:124];
    wire [3:0] v53; shift_adder #(3, 3, 0, 0, 4, 0, 1) op_53 (v7[2:0], v52[2:0], v53[3:0]);
    wire [2:0] v54; assign v54[2:0] = model_inp[129:127];
    wire [3:0] v55; shift_adder #(3, 3, 0, 0, 4, 0, 1) op_55 (v11[2:0], v54[2:0], v55[3:0]);
    wire [2:0] v56; assign v56[2:0] = model_inp[132:130];
    wire [3:0] v57; shift_adder #(3, 3, 0, 0, 4, 0, 1) op_57 (v15[2:0], v56[2:0], v57[3:0]);
    wire [2:0] v58; mux #(3, 3, 0, 0, 3, 0, 0) op_58 (v18[3], v17[2:0], v16[2:0], v58[2:0]);
    wire [2:0] v59; mux #(3, 3, 0, 0, 3, 0, 0) op_59 (v21[3], v20[2:0], v19[2:0], v59[2:0]);
    wire [2:0] v60; assign v60[2:0] = model_inp[135:133];
    wire [3:0] v61; shift_adder #(3, 3, 0, 0, 4, 0, 1) op_61 (v25[2:0], v60[2:0], v61[3:0]);
    wire [2:0] v62; assign v62[2:0] = model_inp[138:136];
    wire [3:0] v63; shift_adder #(3, 3, 0, 0, 4, 0, 1) op_63 (v29[2:0], v62[2:0], v63[3:0]);
    wire [2:0] v64; mux #(3, 3, 0, 0, 3, 0, 0) op_64 (v32[3], v31[2:0], v30[2:0], v64[2:0]);
    wire [2:0] v65; assign v65[2:0] = model_inp[141:139];
    wire [3:0] v66; shift_adder #(3, 3, 0, 0, 4, 0, 1) op_66 (v36[2:0], v65[2:0], v66[3:0]);
    wire [2:0] v67; assign v67[2:0] = model_inp[144:142];
    wire [3:0] v68; shift_adder #(3, 3, 0, 0, 4, 0, 1) op_68 (v40[2:0], v67[2:0], v68[3:0]);
    wire [2:0] v69; assign v69[2:0] = model_inp[147:145];
    wire [3:0] v70; shift_adder #(3, 3, 0, 0, 4, 0, 1) op_70 (v44[2:0], v69[2:0], v70[3:0]);
    wire [2:0] v71; assign v71[2:0] = model_inp[150:148];
    wire [3:0] v72; shift_adder #(3, 3, 0, 0, 4, 0, 1) op_72 (v48[2:0], v71[2:0], v72[3:0]);
    wire [2:0] v73; mux #(3, 3, 0, 0, 3, 0, 0) op_73 (v51[3], v50[2:0], v49[2:0], v73[2:0]);
    wire [2:0] v74; mux #(3, 3, 0, 0, 3, 0, 0) op_74 (v53[3], v52[2:0], v7[2:0], v74[2:0]);
    wire [2:0] v75; mux #(3, 3, 0, 0, 3, 0, 0) op_75 (v55[3], v54[2:0], v11[2:0], v75[2:0]);
    wire [2:0] v76; mux #(3, 3, 0, 0, 3, 0, 0) op_76 (v57[3], v56[2:0], v15[2:0], v76[2:0]);
    wire [3:0] v77; shift_adder #(3, 3, 0, 0, 4, 0, 0) op_77 (v58[2:0], v59[2:0], v77[3:0]);
    wire [2:0] v78; mux #(3, 3, 0, 0, 3, 0, 0) op_78 (v61[3], v60[2:0], v25[2:0], v78[2:0]);
    wire [2:0] v79; mux #(3, 3, 0, 0, 3, 0, 0) op_79 (v63[3], v62[2:0], v29[2:0], v79[2:0]);
    wire [2:0] v80; mux #(3, 3, 0, 0, 3, 0, 0) op_80 (v66[3], v65[2:0], v36[2:0], v80[2:0]);
    wire [2:0] v81; mux #(3, 3, 0, 0, 3, 0, 0) op_81 (v68[3], v67[2:0], v40[2:0], v81[2:0]);
    wire [2:0] v82; mux #(3, 3, 0, 0, 3, 0, 0) op_82 (v70[3], v69[2:0], v44[2:0], v82[2:0]);
    wire [2:0] v83; mux #(3, 3, 0, 0, 3, 0, 0) op_83 (v72[3], v71[2:0], v48[2:0], v83[2:0]);
    wire [3:0] v84; shift_adder #(3, 3, 0, 0, 4, 0, 0) op_84 (v58[2:0], v3[2:0], v84[3:0]);
    wire [3:0] v85; shift_adder #(3, 3, 0, 0, 4, 0, 0) op_85 (v3[2:0], v73[2:0], v85[3:0]);
    wire [2:0] v86; assign v86[2:0] = model_inp[153:151];

    // verilator lint_on UNUSEDSIGNAL

    assign model_out[2:0] = v74[2:0];
    assign model_out[5:3] = v75[2:0];
    assign model_out[8:6] = v76[2:0];
    assign model_out[12:9] = v77[3:0];
    assign model_out[15:13] = v78[2:0];
    assign model_out[18:16] = v79[2:0];
    assign model_out[21:19] = v64[2:0];
    assign model_out[24:22] = v80[2:0];
    assign model_out[27:25] = v86[2:0];
    assign model_out[30:28] = v82[2:0];
    assign model_out[33:31] = v83[2:0];
    assign model_out[36:34] = v58[2:0];
    assign model_out[40:37] = v84[3:0];
    assign model_out[43:41] = v73[2:0];
    assign model_out[46:44] = v3[2:0];
    assign model_out[49:47] = v81[2:0];
    assign model_out[53:50] = v85[3:0];

endmodule
