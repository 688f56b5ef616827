//Numpy array shape [8]
//Min -0.000000000000
//Max -0.000000000000
//Number of zeros 8

#ifndef B140_H_
#define B140_H_

#ifndef __SYNTHESIS__
bias140_t b140[8];
#else
bias140_t b140[8] = {-0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.0};

#endif

#endif
