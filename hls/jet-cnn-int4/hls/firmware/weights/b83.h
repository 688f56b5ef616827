//Numpy array shape [4]
//Min 0.125000000000
//Max 0.312500000000
//Number of zeros 0

#ifndef B83_H_
#define B83_H_

#ifndef __SYNTHESIS__
bias83_t b83[4];
#else
bias83_t b83[4] = {0.1250, 0.3125, 0.3125, 0.1250};

#endif

#endif
