// The format design's own example, the guide's network, exactly as the design writes it: the
// spec tests hold the language to it.

export const GUIDE_TUTORIAL = `# One input, two sigmoid hidden units, one linear output.
network tutorial

layer x  1                # the first layer is the input: no activation
layer h  2  sigmoid
layer y  1  linear        # the last layer is the output

loss       mse            # E = (r - y)^2 / 2, averaged over the mini-batch
optimizer  sgd  lr=0.5
batch      4
epochs     3000
seed       7

data sine  samples=64  range=-3..3

weights
  w_a:  x    -> h[1]   0.15
  w_b:  x    -> h[2]  -0.27
        bias -> h[1]   0
        bias -> h[2]   0
  w_1:  h[1] -> y      0.40
  w_2:  h[2] -> y      0.45
        bias -> y      0
`;
