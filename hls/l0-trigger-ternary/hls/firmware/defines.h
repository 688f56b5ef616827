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
typedef ap_fixed<11,3,AP_TRN,AP_SAT,0> input_t;
typedef ap_ufixed<1,1,AP_RND_CONV,AP_SAT,0> layer75_t;
typedef ap_fixed<18,8> Quant_8_act_table_t;
typedef ap_fixed<7,6> conv2d_conv_0_accum_t;
typedef ap_fixed<7,6> layer84_t;
typedef ap_fixed<2,1,AP_RND_CONV,AP_SAT_SYM,0> weight84_t;
typedef ap_fixed<16,15,AP_RND_CONV,AP_SAT,0> bias84_t;
typedef ap_ufixed<6,5> layer60_t;
typedef ap_fixed<18,8> Relu_0_table_t;
typedef ap_ufixed<3,2,AP_RND_CONV,AP_SAT,0> layer76_t;
typedef ap_fixed<18,8> Quant_9_act_table_t;
typedef ap_fixed<16,6> model_default_t;
typedef ap_ufixed<3,2> layer62_t;
typedef ap_fixed<9,7> conv2d_conv_1_accum_t;
typedef ap_fixed<9,7> layer85_t;
typedef ap_fixed<2,1,AP_RND_CONV,AP_SAT_SYM,0> weight85_t;
typedef ap_fixed<16,14,AP_RND_CONV,AP_SAT,0> bias85_t;
typedef ap_ufixed<8,6> layer64_t;
typedef ap_fixed<18,8> Relu_1_table_t;
typedef ap_ufixed<3,2,AP_RND_CONV,AP_SAT,0> layer77_t;
typedef ap_fixed<18,8> Quant_10_act_table_t;
typedef ap_ufixed<3,2> layer66_t;
typedef ap_fixed<8,6> dense_matmul_0_accum_t;
typedef ap_fixed<8,6> Dense_MatMul_0_result_t;
typedef ap_fixed<2,1,AP_RND_CONV,AP_SAT_SYM,0> weight82_t;
typedef ap_fixed<16,14,AP_RND_CONV,AP_SAT,0> bias82_t;
typedef ap_uint<1> layer82_index;
typedef ap_ufixed<7,5> layer70_t;
typedef ap_fixed<18,8> Relu_2_table_t;
typedef ap_ufixed<3,2,AP_RND_CONV,AP_SAT,0> layer78_t;
typedef ap_fixed<18,8> Quant_11_act_table_t;
typedef ap_fixed<7,5> dense_matmul_1_accum_t;
typedef ap_fixed<16,6,AP_RND_CONV,AP_SAT,0> result_t;
typedef ap_fixed<2,1,AP_RND_CONV,AP_SAT_SYM,0> weight83_t;
typedef ap_fixed<16,14,AP_RND_CONV,AP_SAT,0> bias83_t;
typedef ap_uint<1> layer83_index;

// hls-fpga-machine-learning insert emulator-defines


#endif
