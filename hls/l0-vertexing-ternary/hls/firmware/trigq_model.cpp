#include <iostream>

#include "trigq_model.h"
#include "parameters.h"


void trigq_model(
    hls::stream<input_t> &global_in,
    hls::stream<result_t> &layer139_out
) {

    // hls-fpga-machine-learning insert IO
    #pragma HLS INTERFACE axis port=global_in,layer139_out 
    #pragma HLS DATAFLOW

    // hls-fpga-machine-learning insert load weights
#ifndef __SYNTHESIS__
    static bool loaded_weights = false;
    if (!loaded_weights) {
        nnet::load_weights_from_txt<weight140_t, 48>(w140, "w140.txt");
        nnet::load_weights_from_txt<bias140_t, 8>(b140, "b140.txt");
        nnet::load_weights_from_txt<weight141_t, 384>(w141, "w141.txt");
        nnet::load_weights_from_txt<bias141_t, 8>(b141, "b141.txt");
        nnet::load_weights_from_txt<weight142_t, 768>(w142, "w142.txt");
        nnet::load_weights_from_txt<bias142_t, 16>(b142, "b142.txt");
        nnet::load_weights_from_txt<weight143_t, 1536>(w143, "w143.txt");
        nnet::load_weights_from_txt<bias143_t, 16>(b143, "b143.txt");
        nnet::load_weights_from_txt<weight137_t, 7680>(w137, "w137.txt");
        nnet::load_weights_from_txt<bias137_t, 32>(b137, "b137.txt");
        nnet::load_weights_from_txt<weight138_t, 1024>(w138, "w138.txt");
        nnet::load_weights_from_txt<bias138_t, 32>(b138, "b138.txt");
        nnet::load_weights_from_txt<weight139_t, 32>(w139, "w139.txt");
        nnet::load_weights_from_txt<bias139_t, 1>(b139, "b139.txt");
        loaded_weights = true;    }
#endif
    // ****************************************
    // NETWORK INSTANTIATION
    // ****************************************

    // hls-fpga-machine-learning insert layers

    hls::stream<layer96_t> layer96_out("layer96_out");
    #pragma HLS STREAM variable=layer96_out depth=3240

    hls::stream<layer126_t> layer126_out("layer126_out");
    #pragma HLS STREAM variable=layer126_out depth=3240

    hls::stream<layer140_t> layer140_out("layer140_out");
    #pragma HLS STREAM variable=layer140_out depth=2864

    hls::stream<layer99_t> layer99_out("layer99_out");
    #pragma HLS STREAM variable=layer99_out depth=2864

    hls::stream<layer127_t> layer127_out("layer127_out");
    #pragma HLS STREAM variable=layer127_out depth=2864

    hls::stream<layer101_t> layer101_out("layer101_out");
    #pragma HLS STREAM variable=layer101_out depth=952

    hls::stream<layer141_t> layer141_out("layer141_out");
    #pragma HLS STREAM variable=layer141_out depth=819

    hls::stream<layer103_t> layer103_out("layer103_out");
    #pragma HLS STREAM variable=layer103_out depth=819

    hls::stream<layer128_t> layer128_out("layer128_out");
    #pragma HLS STREAM variable=layer128_out depth=819

    hls::stream<layer105_t> layer105_out("layer105_out");
    #pragma HLS STREAM variable=layer105_out depth=273

    hls::stream<layer142_t> layer142_out("layer142_out");
    #pragma HLS STREAM variable=layer142_out depth=222

    hls::stream<layer107_t> layer107_out("layer107_out");
    #pragma HLS STREAM variable=layer107_out depth=222

    hls::stream<layer129_t> layer129_out("layer129_out");
    #pragma HLS STREAM variable=layer129_out depth=222

    hls::stream<layer109_t> layer109_out("layer109_out");
    #pragma HLS STREAM variable=layer109_out depth=72

    hls::stream<layer143_t> layer143_out("layer143_out");
    #pragma HLS STREAM variable=layer143_out depth=50

    hls::stream<layer111_t> layer111_out("layer111_out");
    #pragma HLS STREAM variable=layer111_out depth=50

    hls::stream<layer130_t> layer130_out("layer130_out");
    #pragma HLS STREAM variable=layer130_out depth=50

    hls::stream<layer113_t> layer113_out("layer113_out");
    #pragma HLS STREAM variable=layer113_out depth=15

    auto& layer114_out = layer113_out;
    hls::stream<Dense_MatMul_0_result_t> layer137_out("layer137_out");
    #pragma HLS STREAM variable=layer137_out depth=1

    hls::stream<layer117_t> layer117_out("layer117_out");
    #pragma HLS STREAM variable=layer117_out depth=1

    hls::stream<layer131_t> layer131_out("layer131_out");
    #pragma HLS STREAM variable=layer131_out depth=1

    hls::stream<Dense_MatMul_1_result_t> layer138_out("layer138_out");
    #pragma HLS STREAM variable=layer138_out depth=1

    hls::stream<layer121_t> layer121_out("layer121_out");
    #pragma HLS STREAM variable=layer121_out depth=1

    hls::stream<layer132_t> layer132_out("layer132_out");
    #pragma HLS STREAM variable=layer132_out depth=1

    nnet::transpose<input_t, layer96_t, config96>(global_in, layer96_out); // Transpose_0

    nnet::linear<layer96_t, layer126_t, linear_config126>(layer96_out, layer126_out); // Quant_14_act

    nnet::conv_2d_cl<layer126_t, layer140_t, config140>(layer126_out, layer140_out, w140, b140); // Conv2D_Conv_0

    nnet::relu<layer140_t, layer99_t, ReLU_config99>(layer140_out, layer99_out); // Relu_0

    nnet::linear<layer99_t, layer127_t, linear_config127>(layer99_out, layer127_out); // Quant_15_act

    nnet::pooling2d_cl<layer127_t, layer101_t, config101>(layer127_out, layer101_out); // MaxPool_0

    nnet::conv_2d_cl<layer101_t, layer141_t, config141>(layer101_out, layer141_out, w141, b141); // Conv2D_Conv_1

    nnet::relu<layer141_t, layer103_t, ReLU_config103>(layer141_out, layer103_out); // Relu_1

    nnet::linear<layer103_t, layer128_t, linear_config128>(layer103_out, layer128_out); // Quant_16_act

    nnet::pooling2d_cl<layer128_t, layer105_t, config105>(layer128_out, layer105_out); // MaxPool_1

    nnet::conv_2d_cl<layer105_t, layer142_t, config142>(layer105_out, layer142_out, w142, b142); // Conv2D_Conv_2

    nnet::relu<layer142_t, layer107_t, ReLU_config107>(layer142_out, layer107_out); // Relu_2

    nnet::linear<layer107_t, layer129_t, linear_config129>(layer107_out, layer129_out); // Quant_17_act

    nnet::pooling2d_cl<layer129_t, layer109_t, config109>(layer129_out, layer109_out); // MaxPool_2

    nnet::conv_2d_cl<layer109_t, layer143_t, config143>(layer109_out, layer143_out, w143, b143); // Conv2D_Conv_3

    nnet::relu<layer143_t, layer111_t, ReLU_config111>(layer143_out, layer111_out); // Relu_3

    nnet::linear<layer111_t, layer130_t, linear_config130>(layer111_out, layer130_out); // Quant_18_act

    nnet::pooling2d_cl<layer130_t, layer113_t, config113>(layer130_out, layer113_out); // MaxPool_3

    nnet::dense<layer113_t, Dense_MatMul_0_result_t, config137>(layer114_out, layer137_out, w137, b137); // Dense_MatMul_0

    nnet::relu<Dense_MatMul_0_result_t, layer117_t, ReLU_config117>(layer137_out, layer117_out); // Relu_4

    nnet::linear<layer117_t, layer131_t, linear_config131>(layer117_out, layer131_out); // Quant_19_act

    nnet::dense<layer131_t, Dense_MatMul_1_result_t, config138>(layer131_out, layer138_out, w138, b138); // Dense_MatMul_1

    nnet::relu<Dense_MatMul_1_result_t, layer121_t, ReLU_config121>(layer138_out, layer121_out); // Relu_5

    nnet::linear<layer121_t, layer132_t, linear_config132>(layer121_out, layer132_out); // Quant_20_act

    nnet::dense<layer132_t, result_t, config139>(layer132_out, layer139_out, w139, b139); // Dense_MatMul_2

}

