//! Probabilistic micropayment tickets: types, hashing, sender and recipient logic.
