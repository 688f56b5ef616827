#ifndef TRIGQ_MODEL_H_
#define TRIGQ_MODEL_H_

#include "ap_fixed.h"
#include "ap_int.h"
#include "hls_stream.h"

#include "defines.h"


// Prototype of top level function for C-synthesis
void trigq_model(
    input_t global_in[9*384*1],
    result_t layer83_out[1]
);

// hls-fpga-machine-learning insert emulator-defines


#endif
