//Numpy array shape [16, 1]
//Min -0.250000000000
//Max 0.312500000000
//Number of zeros 0

#ifndef W82_H_
#define W82_H_

#ifndef __SYNTHESIS__
weight82_t w82[16];
#else
weight82_t w82[16] = {0.3125, -0.1250, -0.1250, -0.1250, 0.0625, 0.1875, -0.0625, -0.1875, -0.2500, 0.2500, -0.1250, -0.1250, -0.2500, -0.1875, 0.1250, 0.1875};

#endif

#endif
