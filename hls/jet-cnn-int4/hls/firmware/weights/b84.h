//Numpy array shape [8]
//Min -0.125000000000
//Max 0.250000000000
//Number of zeros 1

#ifndef B84_H_
#define B84_H_

#ifndef __SYNTHESIS__
bias84_t b84[8];
#else
bias84_t b84[8] = {0.1875, 0.1875, 0.1250, -0.1250, -0.0000, 0.0625, -0.0625, 0.2500};

#endif

#endif
