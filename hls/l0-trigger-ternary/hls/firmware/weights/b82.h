//Numpy array shape [16]
//Min -0.250000000000
//Max 1.250000000000
//Number of zeros 2

#ifndef B82_H_
#define B82_H_

#ifndef __SYNTHESIS__
bias82_t b82[16];
#else
bias82_t b82[16] = {0.50, -0.25, 0.75, 0.75, 0.50, -0.25, 0.00, -0.25, -0.25, 0.00, 1.25, 0.75, 0.75, -0.25, 0.75, 0.75};

#endif

#endif
