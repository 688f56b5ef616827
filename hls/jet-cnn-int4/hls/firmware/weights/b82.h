//Numpy array shape [1]
//Min -0.187500000000
//Max -0.187500000000
//Number of zeros 0

#ifndef B82_H_
#define B82_H_

#ifndef __SYNTHESIS__
bias82_t b82[1];
#else
bias82_t b82[1] = {-0.1875};

#endif

#endif
