"""Training of the shapes bundle from nothing: autoencoder, text encoder + one-step generator (distilled
from a flow-matching teacher), and the three verifiers (VHS on hidden states, CLIP and AE-latent
baselines). `python -m shapes.train --out DIR` runs every stage; DIR/weights is the export tool's
--weights layout."""
