"""Pure torch/numpy maths of the lab: data, models, training, losses, activations, backprop, networks."""
