#ifndef TRIGQ_MODEL_H_
#define TRIGQ_MODEL_H_

#include "ap_fixed.h"
#include "ap_int.h"
#include "hls_stream.h"

#include "defines.h"


// Prototype of top level function for C-synthesis
void trigq_model(
    hls::stream<input_t> &global_in,
    hls::stream<result_t> &layer82_out
);

// hls-fpga-machine-learning insert emulator-defines


#endif
