`timescale 1 ns / 1 ps

module trigq_nn_stage11 (
    input [68:0] model_inp,
    output [60:0] model_out
);

    // verilator lint_off UNUSEDSIGNAL
    // Explicit quantization operation will drop bits if exists

    wire [4:0] v0; assign v0[4:0] = model_inp[4:0];
    wire [6:0] v1; assign v1[6:0] = model_inp[11:5];
    wire [7:0] v2; shift_adder #(5, 7, 0, 1, 8, 0, 0) op_2 (v0[4:0], v1[6:0], v2[7:0]);
    wire [7:0] v3; shift_adder #(8, 1, 1, 0, 8, 0, 1) op_3 (v2[7:0], 1'b1, v3[7:0]);
    wire [6:0] v4; assign v4[6:0] = v3[6:0] & {7{~v3[7]}};
    wire [0:0] v5; assign v5[0:0] = v4[1:1];
    wire [5:0] v6; assign v6[5:0] = model_inp[17:12];
    wire [6:0] v7; shift_adder #(6, 7, 1, 1, 7, 0, 1) op_7 (v6[5:0], v1[6:0], v7[6:0]);
    wire [6:0] v8; shift_adder #(7, 2, 1, 0, 7, 0, 0) op_8 (v7[6:0], 2'b10, v8[6:0]);
    wire [5:0] v9; assign v9[5:0] = v8[5:0] & {6{~v8[6]}};
    wire [0:0] v10; assign v10[0:0] = v9[1:1];
    wire [4:0] v11; assign v11[4:0] = model_inp[22:18];
    wire [7:0] v12; shift_adder #(5, 7, 1, 1, 8, 0, 1) op_12 (v11[4:0], v1[6:0], v12[7:0]);
    wire [7:0] v13; shift_adder #(8, 3, 1, 0, 8, 0, 0) op_13 (v12[7:0], 3'b101, v13[7:0]);
    wire [4:0] v14; assign v14[4:0] = v13[4:0] & {5{~v13[7]}};
    wire [0:0] v15; assign v15[0:0] = v14[1:1];
    wire [5:0] v16; assign v16[5:0] = model_inp[28:23];
    wire [0:0] v17; assign v17[0:0] = model_inp[29:29];
    wire [5:0] v18; shift_adder #(6, 1, 0, 0, 6, 0, 0) op_18 (v16[5:0], v17[0:0], v18[5:0]);
    wire [4:0] v19; assign v19[4:0] = v18[5:1];
    wire [5:0] v20; shift_adder #(5, 3, 0, 0, 6, 0, 1) op_20 (v19[4:0], 3'b111, v20[5:0]);
    wire [3:0] v21; assign v21[3:0] = model_inp[33:30];
    wire [7:0] v22; shift_adder #(4, 7, 0, 1, 8, 0, 0) op_22 (v21[3:0], v1[6:0], v22[7:0]);
    wire [7:0] v23; shift_adder #(8, 1, 1, 0, 8, 0, 1) op_23 (v22[7:0], 1'b1, v23[7:0]);
    wire [6:0] v24; assign v24[6:0] = v23[6:0] & {7{~v23[7]}};
    wire [0:0] v25; assign v25[0:0] = v24[1:1];
    wire [4:0] v26; assign v26[4:0] = model_inp[38:34];
    wire [7:0] v27; shift_adder #(5, 7, 1, 1, 8, 0, 1) op_27 (v26[4:0], v1[6:0], v27[7:0]);
    wire [7:0] v28; shift_adder #(8, 2, 1, 0, 8, 0, 0) op_28 (v27[7:0], 2'b10, v28[7:0]);
    wire [4:0] v29; assign v29[4:0] = v28[4:0] & {5{~v28[7]}};
    wire [0:0] v30; assign v30[0:0] = v29[1:1];
    wire [5:0] v31; assign v31[5:0] = model_inp[44:39];
    wire [6:0] v32; shift_adder #(6, 7, 1, 1, 7, 0, 1) op_32 (v31[5:0], v1[6:0], v32[6:0]);
    wire [6:0] v33; shift_adder #(7, 2, 1, 0, 7, 0, 0) op_33 (v32[6:0], 2'b11, v33[6:0]);
    wire [4:0] v34; assign v34[4:0] = v33[4:0] & {5{~v33[6]}};
    wire [0:0] v35; assign v35[0:0] = v34[1:1];
    wire [6:0] v36; shift_adder #(6, 7, 1, 1, 7, 0, 1) op_36 (v31[5:0], v1[6:0], v36[6:0]);
    wire [2:0] v37; assign v37[2:0] = model_inp[47:45];
    wire [5:0] v38; assign v38[5:0] = model_inp[53:48];
    wire [5:0] v39; shift_adder #(3, 6, 0, 0, 6, 0, 0) op_39 (v37[2:0], v38[5:0], v39[5:0]);
    wire [6:0] v40; shift_adder #(6, 7, 1, 1, 7, 0, 1) op_40 (v31[5:0], v1[6:0], v40[6:0]);
    wire [6:0] v41; shift_adder #(7, 1, 0, 0, 7, 0, 0) op_41 (v4[6:0], v5[0:0], v41[6:0]);
    wire [5:0] v42; assign v42[5:0] = v41[6:1];
    wire [5:0] v43; shift_adder #(6, 3, 0, 0, 6, 0, 1) op_43 (v42[5:0], 3'b111, v43[5:0]);
    wire [5:0] v44; shift_adder #(6, 1, 0, 0, 6, 0, 0) op_44 (v9[5:0], v10[0:0], v44[5:0]);
    wire [4:0] v45; assign v45[4:0] = v44[5:1];
    wire [4:0] v46; shift_adder #(5, 3, 0, 0, 5, 0, 1) op_46 (v45[4:0], 3'b111, v46[4:0]);
    wire [4:0] v47; shift_adder #(5, 1, 0, 0, 5, 0, 0) op_47 (v14[4:0], v15[0:0], v47[4:0]);
    wire [3:0] v48; assign v48[3:0] = v47[4:1];
    wire [3:0] v49; shift_adder #(4, 3, 0, 0, 4, 0, 1) op_49 (v48[3:0], 3'b111, v49[3:0]);
    wire [2:0] v50; assign v50[2:0] = 'b111;
    wire [2:0] v51; mux #(5, 3, 0, 0, 3, 0, 0) op_51 (v20[5], v19[4:0], v50[2:0], v51[2:0]);
    wire [6:0] v52; shift_adder #(7, 1, 0, 0, 7, 0, 0) op_52 (v24[6:0], v25[0:0], v52[6:0]);
    wire [5:0] v53; assign v53[5:0] = v52[6:1];
    wire [5:0] v54; shift_adder #(6, 3, 0, 0, 6, 0, 1) op_54 (v53[5:0], 3'b111, v54[5:0]);
    wire [4:0] v55; shift_adder #(5, 1, 0, 0, 5, 0, 0) op_55 (v29[4:0], v30[0:0], v55[4:0]);
    wire [3:0] v56; assign v56[3:0] = v55[4:1];
    wire [3:0] v57; shift_adder #(4, 3, 0, 0, 4, 0, 1) op_57 (v56[3:0], 3'b111, v57[3:0]);
    wire [5:0] v58; shift_adder #(5, 1, 0, 0, 6, 0, 0) op_58 (v34[4:0], v35[0:0], v58[5:0]);
    wire [4:0] v59; assign v59[4:0] = v58[5:1];
    wire [4:0] v60; shift_adder #(5, 3, 0, 0, 5, 0, 1) op_60 (v59[4:0], 3'b111, v60[4:0]);
    wire [2:0] v61; assign v61[2:0] = model_inp[56:54];
    wire [5:0] v62; shift_adder #(3, 6, 0, 0, 6, 0, 0) op_62 (v61[2:0], v39[5:0], v62[5:0]);
    wire [5:0] v63; assign v63[5:0] = model_inp[62:57];
    wire [7:0] v64; shift_adder #(6, 7, 1, 1, 8, 0, 0) op_64 (v63[5:0], v7[6:0], v64[7:0]);
    wire [7:0] v65; shift_adder #(8, 2, 1, 0, 8, 0, 0) op_65 (v64[7:0], 2'b11, v65[7:0]);
    wire [6:0] v66; assign v66[6:0] = v65[6:0] & {7{~v65[7]}};
    wire [0:0] v67; assign v67[0:0] = v66[1:1];
    wire [3:0] v68; assign v68[3:0] = model_inp[66:63];
    wire [6:0] v69; shift_adder #(4, 7, 0, 1, 7, 0, 0) op_69 (v68[3:0], v7[6:0], v69[6:0]);
    wire [6:0] v70; shift_adder #(7, 2, 1, 0, 7, 0, 0) op_70 (v69[6:0], 2'b11, v70[6:0]);
    wire [5:0] v71; assign v71[5:0] = v70[5:0] & {6{~v70[6]}};
    wire [0:0] v72; assign v72[0:0] = v71[1:1];
    wire [2:0] v73; assign v73[2:0] = 'b111;
    wire [2:0] v74; mux #(6, 3, 0, 0, 3, 0, 0) op_74 (v43[5], v42[5:0], v73[2:0], v74[2:0]);
    wire [2:0] v75; assign v75[2:0] = 'b111;
    wire [2:0] v76; mux #(5, 3, 0, 0, 3, 0, 0) op_76 (v46[4], v45[4:0], v75[2:0], v76[2:0]);
    wire [2:0] v77; assign v77[2:0] = 'b111;
    wire [2:0] v78; mux #(4, 3, 0, 0, 3, 0, 0) op_78 (v49[3], v48[3:0], v77[2:0], v78[2:0]);
    wire [1:0] v79; assign v79[1:0] = model_inp[68:67];
    wire [3:0] v80; shift_adder #(3, 2, 0, 0, 4, 0, 1) op_80 (v51[2:0], v79[1:0], v80[3:0]);
    wire [2:0] v81; assign v81[2:0] = 'b111;
    wire [2:0] v82; mux #(6, 3, 0, 0, 3, 0, 0) op_82 (v54[5], v53[5:0], v81[2:0], v82[2:0]);
    wire [2:0] v83; assign v83[2:0] = 'b111;
    wire [2:0] v84; mux #(4, 3, 0, 0, 3, 0, 0) op_84 (v57[3], v56[3:0], v83[2:0], v84[2:0]);
    wire [2:0] v85; assign v85[2:0] = 'b111;
    wire [2:0] v86; mux #(5, 3, 0, 0, 3, 0, 0) op_86 (v60[4], v59[4:0], v85[2:0], v86[2:0]);
    wire [7:0] v87; shift_adder #(7, 6, 1, 0, 8, 0, 0) op_87 (v36[6:0], v62[5:0], v87[7:0]);
    wire [7:0] v88; shift_adder #(8, 2, 1, 0, 8, 0, 0) op_88 (v87[7:0], 2'b11, v88[7:0]);
    wire [6:0] v89; assign v89[6:0] = v88[6:0] & {7{~v88[7]}};
    wire [0:0] v90; assign v90[0:0] = v89[1:1];
    wire [7:0] v91; shift_adder #(7, 6, 1, 0, 8, 0, 0) op_91 (v40[6:0], v62[5:0], v91[7:0]);
    wire [7:0] v92; shift_adder #(8, 2, 1, 0, 8, 0, 0) op_92 (v91[7:0], 2'b11, v92[7:0]);
    wire [6:0] v93; assign v93[6:0] = v92[6:0] & {7{~v92[7]}};
    wire [0:0] v94; assign v94[0:0] = v93[1:1];
    wire [6:0] v95; shift_adder #(7, 1, 0, 0, 7, 0, 0) op_95 (v66[6:0], v67[0:0], v95[6:0]);
    wire [5:0] v96; assign v96[5:0] = v95[6:1];
    wire [5:0] v97; shift_adder #(6, 3, 0, 0, 6, 0, 1) op_97 (v96[5:0], 3'b111, v97[5:0]);
    wire [5:0] v98; shift_adder #(6, 1, 0, 0, 6, 0, 0) op_98 (v71[5:0], v72[0:0], v98[5:0]);
    wire [4:0] v99; assign v99[4:0] = v98[5:1];
    wire [5:0] v100; shift_adder #(5, 3, 0, 0, 6, 0, 1) op_100 (v99[4:0], 3'b111, v100[5:0]);

    // verilator lint_on UNUSEDSIGNAL

    assign model_out[2:0] = v74[2:0];
    assign model_out[5:3] = v76[2:0];
    assign model_out[9:6] = v80[3:0];
    assign model_out[12:10] = v82[2:0];
    assign model_out[15:13] = v84[2:0];
    assign model_out[18:16] = v86[2:0];
    assign model_out[25:19] = v89[6:0];
    assign model_out[26:26] = v90[0:0];
    assign model_out[33:27] = v93[6:0];
    assign model_out[34:34] = v94[0:0];
    assign model_out[40:35] = v96[5:0];
    assign model_out[46:41] = v97[5:0];
    assign model_out[51:47] = v99[4:0];
    assign model_out[57:52] = v100[5:0];
    assign model_out[60:58] = v78[2:0];

endmodule
