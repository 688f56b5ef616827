#include <iostream>

#include "trigq_model.h"
#include "parameters.h"


void trigq_model(
    input_t global_in[9*384*1],
    result_t layer83_out[1]
) {

    // hls-fpga-machine-learning insert IO
    #pragma HLS ARRAY_RESHAPE variable=global_in complete dim=0
    #pragma HLS ARRAY_PARTITION variable=layer83_out complete dim=0
    #pragma HLS INTERFACE ap_vld port=global_in,layer83_out 
    #pragma HLS DATAFLOW

    // hls-fpga-machine-learning insert load weights
#ifndef __SYNTHESIS__
    static bool loaded_weights = false;
    if (!loaded_weights) {
        nnet::load_weights_from_txt<weight84_t, 864>(w84, "w84.txt");
        nnet::load_weights_from_txt<bias84_t, 8>(b84, "b84.txt");
        nnet::load_weights_from_txt<weight85_t, 384>(w85, "w85.txt");
        nnet::load_weights_from_txt<bias85_t, 16>(b85, "b85.txt");
        nnet::load_weights_from_txt<weight82_t, 256>(w82, "w82.txt");
        nnet::load_weights_from_txt<bias82_t, 16>(b82, "b82.txt");
        nnet::load_weights_from_txt<weight83_t, 16>(w83, "w83.txt");
        nnet::load_weights_from_txt<bias83_t, 1>(b83, "b83.txt");
        loaded_weights = true;    }
#endif
    // ****************************************
    // NETWORK INSTANTIATION
    // ****************************************

    // hls-fpga-machine-learning insert layers

    layer75_t layer75_out[9*384*1];
    #pragma HLS ARRAY_PARTITION variable=layer75_out complete dim=0

    layer84_t layer84_out[1*94*8];
    #pragma HLS ARRAY_PARTITION variable=layer84_out complete dim=0

    layer60_t layer60_out[1*94*8];
    #pragma HLS ARRAY_PARTITION variable=layer60_out complete dim=0

    layer76_t layer76_out[1*94*8];
    #pragma HLS ARRAY_PARTITION variable=layer76_out complete dim=0

    layer62_t layer62_out[1*47*8];
    #pragma HLS ARRAY_PARTITION variable=layer62_out complete dim=0

    layer85_t layer85_out[1*45*16];
    #pragma HLS ARRAY_PARTITION variable=layer85_out complete dim=0

    layer64_t layer64_out[1*45*16];
    #pragma HLS ARRAY_PARTITION variable=layer64_out complete dim=0

    layer77_t layer77_out[1*45*16];
    #pragma HLS ARRAY_PARTITION variable=layer77_out complete dim=0

    layer66_t layer66_out[1*1*16];
    #pragma HLS ARRAY_PARTITION variable=layer66_out complete dim=0

    auto& layer67_out = layer66_out;
    Dense_MatMul_0_result_t layer82_out[16];
    #pragma HLS ARRAY_PARTITION variable=layer82_out complete dim=0

    layer70_t layer70_out[16];
    #pragma HLS ARRAY_PARTITION variable=layer70_out complete dim=0

    layer78_t layer78_out[16];
    #pragma HLS ARRAY_PARTITION variable=layer78_out complete dim=0

    nnet::linear<input_t, layer75_t, linear_config75>(global_in, layer75_out); // Quant_8_act

    nnet::conv_2d_cl<layer75_t, layer84_t, config84>(layer75_out, layer84_out, w84, b84); // Conv2D_Conv_0

    nnet::relu<layer84_t, layer60_t, ReLU_config60>(layer84_out, layer60_out); // Relu_0

    nnet::linear<layer60_t, layer76_t, linear_config76>(layer60_out, layer76_out); // Quant_9_act

    nnet::pooling2d_cl<layer76_t, layer62_t, config62>(layer76_out, layer62_out); // MaxPool_0

    nnet::conv_2d_cl<layer62_t, layer85_t, config85>(layer62_out, layer85_out, w85, b85); // Conv2D_Conv_1

    nnet::relu<layer85_t, layer64_t, ReLU_config64>(layer85_out, layer64_out); // Relu_1

    nnet::linear<layer64_t, layer77_t, linear_config77>(layer64_out, layer77_out); // Quant_10_act

    nnet::pooling2d_cl<layer77_t, layer66_t, config66>(layer77_out, layer66_out); // MaxPool_1

    nnet::dense<layer66_t, Dense_MatMul_0_result_t, config82>(layer67_out, layer82_out, w82, b82); // Dense_MatMul_0

    nnet::relu<Dense_MatMul_0_result_t, layer70_t, ReLU_config70>(layer82_out, layer70_out); // Relu_2

    nnet::linear<layer70_t, layer78_t, linear_config78>(layer70_out, layer78_out); // Quant_11_act

    nnet::dense<layer78_t, result_t, config83>(layer78_out, layer83_out, w83, b83); // Dense_MatMul_1

}

