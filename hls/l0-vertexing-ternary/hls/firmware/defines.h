#ifndef DEFINES_H_
#define DEFINES_H_

#include "ap_fixed.h"
#include "ap_int.h"
#include "nnet_utils/nnet_types.h"
#include <array>
#include <cstddef>
#include <cstdio>
#include <tuple>
#include <tuple>


// hls-fpga-machine-learning insert numbers

// hls-fpga-machine-learning insert layer-precision
typedef nnet::array<ap_fixed<11,3,AP_TRN,AP_SAT,0>, 360*1> input_t;
typedef nnet::array<ap_fixed<11,3,AP_TRN,AP_SAT,0>, 1*1> layer96_t;
typedef nnet::array<ap_ufixed<1,1,AP_RND_CONV,AP_SAT,0>, 1*1> layer126_t;
typedef ap_fixed<18,8> Quant_14_act_table_t;
typedef ap_fixed<4,3> conv2d_conv_0_accum_t;
typedef nnet::array<ap_fixed<4,3>, 8*1> layer140_t;
typedef ap_fixed<2,1,AP_RND_CONV,AP_SAT_SYM,0> weight140_t;
typedef ap_fixed<16,15,AP_RND_CONV,AP_SAT,0> bias140_t;
typedef nnet::array<ap_ufixed<2,1>, 8*1> layer99_t;
typedef ap_fixed<18,8> Relu_0_table_t;
typedef nnet::array<ap_ufixed<4,1,AP_RND_CONV,AP_SAT,0>, 8*1> layer127_t;
typedef ap_fixed<18,8> Quant_15_act_table_t;
typedef ap_fixed<16,6> model_default_t;
typedef nnet::array<ap_ufixed<4,1>, 8*1> layer101_t;
typedef ap_fixed<9,4> conv2d_conv_1_accum_t;
typedef nnet::array<ap_fixed<9,4>, 8*1> layer141_t;
typedef ap_fixed<2,0,AP_RND_CONV,AP_SAT_SYM,0> weight141_t;
typedef ap_fixed<16,11,AP_RND_CONV,AP_SAT,0> bias141_t;
typedef nnet::array<ap_ufixed<8,3>, 8*1> layer103_t;
typedef ap_fixed<18,8> Relu_1_table_t;
typedef nnet::array<ap_ufixed<4,0,AP_RND_CONV,AP_SAT,0>, 8*1> layer128_t;
typedef ap_fixed<18,8> Quant_16_act_table_t;
typedef nnet::array<ap_ufixed<4,0>, 8*1> layer105_t;
typedef ap_fixed<10,4> conv2d_conv_2_accum_t;
typedef nnet::array<ap_fixed<10,4>, 16*1> layer142_t;
typedef ap_fixed<2,0,AP_RND_CONV,AP_SAT_SYM,0> weight142_t;
typedef ap_fixed<16,10,AP_RND_CONV,AP_SAT,0> bias142_t;
typedef nnet::array<ap_ufixed<9,3>, 16*1> layer107_t;
typedef ap_fixed<18,8> Relu_2_table_t;
typedef nnet::array<ap_ufixed<4,1,AP_RND_CONV,AP_SAT,0>, 16*1> layer129_t;
typedef ap_fixed<18,8> Quant_17_act_table_t;
typedef nnet::array<ap_ufixed<4,1>, 16*1> layer109_t;
typedef ap_fixed<11,6> conv2d_conv_3_accum_t;
typedef nnet::array<ap_fixed<11,6>, 16*1> layer143_t;
typedef ap_fixed<2,0,AP_RND_CONV,AP_SAT_SYM,0> weight143_t;
typedef ap_fixed<16,11,AP_RND_CONV,AP_SAT,0> bias143_t;
typedef nnet::array<ap_ufixed<10,5>, 16*1> layer111_t;
typedef ap_fixed<18,8> Relu_3_table_t;
typedef nnet::array<ap_ufixed<4,2,AP_RND_CONV,AP_SAT,0>, 16*1> layer130_t;
typedef ap_fixed<18,8> Quant_18_act_table_t;
typedef nnet::array<ap_ufixed<4,2>, 16*1> layer113_t;
typedef ap_fixed<11,7> dense_matmul_0_accum_t;
typedef nnet::array<ap_fixed<11,7>, 32*1> Dense_MatMul_0_result_t;
typedef ap_fixed<2,0,AP_RND_CONV,AP_SAT_SYM,0> weight137_t;
typedef ap_fixed<16,12,AP_RND_CONV,AP_SAT,0> bias137_t;
typedef ap_uint<1> layer137_index;
typedef nnet::array<ap_ufixed<10,6>, 32*1> layer117_t;
typedef ap_fixed<18,8> Relu_4_table_t;
typedef nnet::array<ap_ufixed<4,3,AP_RND_CONV,AP_SAT,0>, 32*1> layer131_t;
typedef ap_fixed<18,8> Quant_19_act_table_t;
typedef ap_fixed<10,7> dense_matmul_1_accum_t;
typedef nnet::array<ap_fixed<10,7>, 32*1> Dense_MatMul_1_result_t;
typedef ap_fixed<2,0,AP_RND_CONV,AP_SAT_SYM,0> weight138_t;
typedef ap_fixed<16,13,AP_RND_CONV,AP_SAT,0> bias138_t;
typedef ap_uint<1> layer138_index;
typedef nnet::array<ap_ufixed<9,6>, 32*1> layer121_t;
typedef ap_fixed<18,8> Relu_5_table_t;
typedef nnet::array<ap_ufixed<4,3,AP_RND_CONV,AP_SAT,0>, 32*1> layer132_t;
typedef ap_fixed<18,8> Quant_20_act_table_t;
typedef ap_fixed<9,5> dense_matmul_2_accum_t;
typedef nnet::array<ap_fixed<16,4,AP_RND_CONV,AP_SAT,0>, 1*1> result_t;
typedef ap_fixed<2,-1,AP_RND_CONV,AP_SAT_SYM,0> weight139_t;
typedef ap_fixed<16,12,AP_RND_CONV,AP_SAT,0> bias139_t;
typedef ap_uint<1> layer139_index;

// hls-fpga-machine-learning insert emulator-defines


#endif
