"""Test-bed helpers: chroot hosts and the state an existing AWS account would already have."""
