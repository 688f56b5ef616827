//Numpy array shape [1]
//Min -0.250000000000
//Max -0.250000000000
//Number of zeros 0

#ifndef B83_H_
#define B83_H_

#ifndef __SYNTHESIS__
bias83_t b83[1];
#else
bias83_t b83[1] = {-0.25};

#endif

#endif
