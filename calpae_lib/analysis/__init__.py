"""5. Analyses of parsed reports: structure and axes, money, the RSA orientation chain, years compared."""
