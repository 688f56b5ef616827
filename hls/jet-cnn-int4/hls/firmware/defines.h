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
typedef nnet::array<ap_fixed<18,10,AP_TRN,AP_SAT,0>, 25*1> input_t;
typedef nnet::array<ap_fixed<18,10,AP_TRN,AP_SAT,0>, 2*1> layer57_t;
typedef nnet::array<ap_ufixed<8,8,AP_RND_CONV,AP_SAT,0>, 2*1> layer74_t;
typedef ap_fixed<18,8> Quant_8_act_table_t;
typedef ap_fixed<14,10> conv2d_conv_0_accum_t;
typedef nnet::array<ap_fixed<14,10>, 4*1> layer83_t;
typedef ap_fixed<4,0,AP_RND_CONV,AP_SAT_SYM,0> weight83_t;
typedef ap_fixed<16,12,AP_RND_CONV,AP_SAT,0> bias83_t;
typedef nnet::array<ap_ufixed<13,9>, 4*1> layer60_t;
typedef ap_fixed<18,8> Relu_0_table_t;
typedef nnet::array<ap_ufixed<4,5,AP_RND_CONV,AP_SAT,0>, 4*1> layer75_t;
typedef ap_fixed<18,8> Quant_9_act_table_t;
typedef ap_fixed<16,6> model_default_t;
typedef nnet::array<ap_ufixed<4,5>, 4*1> layer62_t;
typedef ap_fixed<12,8> conv2d_conv_1_accum_t;
typedef nnet::array<ap_fixed<12,8>, 8*1> layer84_t;
typedef ap_fixed<4,-1,AP_RND_CONV,AP_SAT_SYM,0> weight84_t;
typedef ap_fixed<16,12,AP_RND_CONV,AP_SAT,0> bias84_t;
typedef nnet::array<ap_ufixed<11,7>, 8*1> layer64_t;
typedef ap_fixed<18,8> Relu_1_table_t;
typedef nnet::array<ap_ufixed<4,4,AP_RND_CONV,AP_SAT,0>, 8*1> layer76_t;
typedef ap_fixed<18,8> Quant_10_act_table_t;
typedef ap_fixed<13,8> dense_matmul_0_accum_t;
typedef nnet::array<ap_fixed<13,8>, 16*1> Dense_MatMul_0_result_t;
typedef ap_fixed<4,-1,AP_RND_CONV,AP_SAT_SYM,0> weight81_t;
typedef ap_fixed<16,11,AP_RND_CONV,AP_SAT,0> bias81_t;
typedef ap_uint<1> layer81_index;
typedef nnet::array<ap_ufixed<12,7>, 16*1> layer69_t;
typedef ap_fixed<18,8> Relu_2_table_t;
typedef nnet::array<ap_ufixed<4,4,AP_RND_CONV,AP_SAT,0>, 16*1> layer77_t;
typedef ap_fixed<18,8> Quant_11_act_table_t;
typedef ap_fixed<10,6> dense_matmul_1_accum_t;
typedef nnet::array<ap_fixed<16,6,AP_RND_CONV,AP_SAT,0>, 1*1> result_t;
typedef ap_fixed<4,0,AP_RND_CONV,AP_SAT_SYM,0> weight82_t;
typedef ap_fixed<16,12,AP_RND_CONV,AP_SAT,0> bias82_t;
typedef ap_uint<1> layer82_index;

// hls-fpga-machine-learning insert emulator-defines


#endif
