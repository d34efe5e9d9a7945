//! Searches over a strictly increasing list of rounds (Livepeer's `SortedArrays` and
//! OpenZeppelin's `Arrays.findUpperBound`), written against an index accessor so the same
//! code runs over storage and over a `Vec` in tests.

use alloy_primitives::U256;

/// Number of leading elements for which `below(element)` holds, for a predicate that holds
/// on a prefix of the list (a binary search: O(log len) reads).
fn partition_point(len: usize, get: impl Fn(usize) -> U256, below: impl Fn(U256) -> bool) -> usize {
    let (mut low, mut high) = (0, len);
    while low < high {
        // `low + (high - low) / 2` cannot overflow and stays in `low..high`.
        let mid = low + (high - low) / 2;
        if below(get(mid)) {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    low
}

/// `findUpperBound`: the first index whose round is `>= value`, or `len` if there is none.
pub fn find_upper_bound(len: usize, get: impl Fn(usize) -> U256, value: U256) -> usize {
    partition_point(len, get, |v| v < value)
}

/// `findLowerBound`: the index of the last round `<= value`, or `None` when every round is
/// later (or the list is empty). Checks the last element first: most lookups are for the
/// latest state.
pub fn find_lower_bound(len: usize, get: impl Fn(usize) -> U256, value: U256) -> Option<usize> {
    let last = len.checked_sub(1)?;
    if get(last) <= value {
        return Some(last);
    }
    partition_point(len, get, |v| v <= value).checked_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;
    use proptest::prelude::*;

    fn rounds(xs: &[u64]) -> Vec<U256> {
        xs.iter().map(|&x| U256::from(x)).collect()
    }

    #[test]
    fn livepeer_cases() {
        let r = rounds(&[10, 20, 30]);
        let get = |i: usize| r[i];
        assert_eq!(find_lower_bound(3, get, U256::from(5)), None);
        assert_eq!(find_lower_bound(3, get, U256::from(10)), Some(0));
        assert_eq!(find_lower_bound(3, get, U256::from(29)), Some(1));
        assert_eq!(find_lower_bound(3, get, U256::from(99)), Some(2));
        assert_eq!(find_lower_bound(0, get, U256::from(99)), None);
        assert_eq!(find_upper_bound(3, get, U256::from(5)), 0);
        assert_eq!(find_upper_bound(3, get, U256::from(20)), 1);
        assert_eq!(find_upper_bound(3, get, U256::from(21)), 2);
        assert_eq!(find_upper_bound(3, get, U256::from(31)), 3);
        assert_eq!(find_upper_bound(0, get, U256::from(1)), 0);
    }

    proptest! {
        #[test]
        fn agree_with_a_linear_scan(set in proptest::collection::btree_set(0u64..200, 0..40), value in 0u64..220) {
            let r = rounds(&set.into_iter().collect::<Vec<_>>());
            let v = U256::from(value);
            let get = |i: usize| r[i];
            prop_assert_eq!(find_lower_bound(r.len(), get, v), r.iter().rposition(|&x| x <= v));
            prop_assert_eq!(find_upper_bound(r.len(), get, v), r.iter().position(|&x| x >= v).unwrap_or(r.len()));
        }
    }
}
