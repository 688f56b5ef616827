#include <iostream>

#include "trigq_model.h"
#include "parameters.h"


void trigq_model(
    hls::stream<input_t> &global_in,
    hls::stream<result_t> &layer82_out
) {

    // hls-fpga-machine-learning insert IO
    #pragma HLS INTERFACE axis port=global_in,layer82_out 
    #pragma HLS DATAFLOW

    // hls-fpga-machine-learning insert load weights
#ifndef __SYNTHESIS__
    static bool loaded_weights = false;
    if (!loaded_weights) {
        nnet::load_weights_from_txt<weight83_t, 72>(w83, "w83.txt");
        nnet::load_weights_from_txt<bias83_t, 4>(b83, "b83.txt");
        nnet::load_weights_from_txt<weight84_t, 288>(w84, "w84.txt");
        nnet::load_weights_from_txt<bias84_t, 8>(b84, "b84.txt");
        nnet::load_weights_from_txt<weight81_t, 2048>(w81, "w81.txt");
        nnet::load_weights_from_txt<bias81_t, 16>(b81, "b81.txt");
        nnet::load_weights_from_txt<weight82_t, 16>(w82, "w82.txt");
        nnet::load_weights_from_txt<bias82_t, 1>(b82, "b82.txt");
        loaded_weights = true;    }
#endif
    // ****************************************
    // NETWORK INSTANTIATION
    // ****************************************

    // hls-fpga-machine-learning insert layers

    hls::stream<layer57_t> layer57_out("layer57_out");
    #pragma HLS STREAM variable=layer57_out depth=625

    hls::stream<layer74_t> layer74_out("layer74_out");
    #pragma HLS STREAM variable=layer74_out depth=625

    hls::stream<layer83_t> layer83_out("layer83_out");
    #pragma HLS STREAM variable=layer83_out depth=144

    hls::stream<layer60_t> layer60_out("layer60_out");
    #pragma HLS STREAM variable=layer60_out depth=144

    hls::stream<layer75_t> layer75_out("layer75_out");
    #pragma HLS STREAM variable=layer75_out depth=144

    hls::stream<layer62_t> layer62_out("layer62_out");
    #pragma HLS STREAM variable=layer62_out depth=36

    hls::stream<layer84_t> layer84_out("layer84_out");
    #pragma HLS STREAM variable=layer84_out depth=16

    hls::stream<layer64_t> layer64_out("layer64_out");
    #pragma HLS STREAM variable=layer64_out depth=16

    hls::stream<layer76_t> layer76_out("layer76_out");
    #pragma HLS STREAM variable=layer76_out depth=16

    auto& layer66_out = layer76_out;
    hls::stream<Dense_MatMul_0_result_t> layer81_out("layer81_out");
    #pragma HLS STREAM variable=layer81_out depth=1

    hls::stream<layer69_t> layer69_out("layer69_out");
    #pragma HLS STREAM variable=layer69_out depth=1

    hls::stream<layer77_t> layer77_out("layer77_out");
    #pragma HLS STREAM variable=layer77_out depth=1

    nnet::transpose<input_t, layer57_t, config57>(global_in, layer57_out); // Transpose_0

    nnet::linear<layer57_t, layer74_t, linear_config74>(layer57_out, layer74_out); // Quant_8_act

    nnet::conv_2d_cl<layer74_t, layer83_t, config83>(layer74_out, layer83_out, w83, b83); // Conv2D_Conv_0

    nnet::relu<layer83_t, layer60_t, ReLU_config60>(layer83_out, layer60_out); // Relu_0

    nnet::linear<layer60_t, layer75_t, linear_config75>(layer60_out, layer75_out); // Quant_9_act

    nnet::pooling2d_cl<layer75_t, layer62_t, config62>(layer75_out, layer62_out); // MaxPool_0

    nnet::conv_2d_cl<layer62_t, layer84_t, config84>(layer62_out, layer84_out, w84, b84); // Conv2D_Conv_1

    nnet::relu<layer84_t, layer64_t, ReLU_config64>(layer84_out, layer64_out); // Relu_1

    nnet::linear<layer64_t, layer76_t, linear_config76>(layer64_out, layer76_out); // Quant_10_act

    nnet::dense<layer76_t, Dense_MatMul_0_result_t, config81>(layer66_out, layer81_out, w81, b81); // Dense_MatMul_0

    nnet::relu<Dense_MatMul_0_result_t, layer69_t, ReLU_config69>(layer81_out, layer69_out); // Relu_2

    nnet::linear<layer69_t, layer77_t, linear_config77>(layer69_out, layer77_out); // Quant_11_act

    nnet::dense<layer77_t, result_t, config82>(layer77_out, layer82_out, w82, b82); // Dense_MatMul_1

}

