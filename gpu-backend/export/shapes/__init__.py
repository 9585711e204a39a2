"""The shapes world: renderer, prompts and judge (shapeeval); train/ holds the training recipes."""
