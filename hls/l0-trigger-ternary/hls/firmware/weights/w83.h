//Numpy array shape [16, 1]
//Min -0.500000000000
//Max 0.500000000000
//Number of zeros 4

#ifndef W83_H_
#define W83_H_

#ifndef __SYNTHESIS__
weight83_t w83[16];
#else
weight83_t w83[16] = {-0.5, 0.0, -0.5, -0.5, -0.5, 0.5, -0.0, 0.5, 0.5, 0.0, -0.5, -0.5, -0.5, -0.0, -0.5, -0.5};

#endif

#endif
