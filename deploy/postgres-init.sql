-- One database per service: the services never share a database.
CREATE DATABASE issuer;
CREATE DATABASE wallet;
CREATE DATABASE verifier;
