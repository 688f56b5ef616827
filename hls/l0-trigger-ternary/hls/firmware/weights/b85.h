//Numpy array shape [16]
//Min -0.500000000000
//Max 0.750000000000
//Number of zeros 5

#ifndef B85_H_
#define B85_H_

#ifndef __SYNTHESIS__
bias85_t b85[16];
#else
bias85_t b85[16] = {-0.50, -0.25, 0.50, 0.00, -0.00, 0.75, 0.75, -0.00, -0.25, 0.75, -0.00, 0.00, 0.25, 0.75, 0.75, 0.75};

#endif

#endif
