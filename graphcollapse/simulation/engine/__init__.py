"""The generation loop, the sampling plan, the random streams and the result object."""
