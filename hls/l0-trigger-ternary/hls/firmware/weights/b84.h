//Numpy array shape [8]
//Min -1.000000000000
//Max -0.000000000000
//Number of zeros 2

#ifndef B84_H_
#define B84_H_

#ifndef __SYNTHESIS__
bias84_t b84[8];
#else
bias84_t b84[8] = {0.0, -1.0, -1.0, -1.0, -1.0, -0.5, -0.0, -1.0};

#endif

#endif
