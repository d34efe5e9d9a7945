//! Livepeer's `SortedDoublyLL` (spec §4): the transcoder pool, a doubly linked list sorted
//! by descending key with a maximum size, written once over the [`ListStore`] trait so
//! the contract (storage) and the native tests (memory) run the same algorithm.
//!
//! The search is Livepeer's exactly, hints and ties included: clients build hints from
//! `getFirstTranscoderInPool`/`getNextTranscoderInPool`, so the order of equal keys must
//! come out the same as on Livepeer.

use alloy_primitives::{Address, U256};
use lpx_contracts_common::revert::{add, require, sub, Revert};

/// "list is full"
pub const ERR_FULL: &str = "list is full";
/// "node already in list"
pub const ERR_DUPLICATE: &str = "node already in list";
/// "node id is null"
pub const ERR_NULL_ID: &str = "node id is null";
/// "key is zero"
pub const ERR_ZERO_KEY: &str = "key is zero";
/// "node not in list"
pub const ERR_NOT_IN_LIST: &str = "node not in list";
/// "new max size must be greater than old max size"
pub const ERR_MAX_SIZE: &str = "new max size must be greater than old max size";

const NULL: Address = Address::ZERO;

/// Storage of one sorted list: the list head record and a node per id (`key`, `next` =
/// the next smaller key, `prev` = the next larger one). A node is in the list iff its key
/// is non-zero; unknown ids read as zero.
pub trait ListStore {
    /// First (largest) node.
    fn head(&self) -> Address;
    /// Last (smallest) node.
    fn tail(&self) -> Address;
    /// Number of nodes.
    fn size(&self) -> U256;
    /// Maximum number of nodes.
    fn max_size(&self) -> U256;
    /// Sets the first node.
    fn set_head(&mut self, id: Address);
    /// Sets the last node.
    fn set_tail(&mut self, id: Address);
    /// Sets the number of nodes.
    fn set_size(&mut self, size: U256);
    /// Sets the maximum number of nodes.
    fn set_max_size(&mut self, size: U256);
    /// Key of `id` (zero if not in the list).
    fn key(&self, id: Address) -> U256;
    /// Successor (smaller key) of `id`.
    fn next(&self, id: Address) -> Address;
    /// Predecessor (larger key) of `id`.
    fn prev(&self, id: Address) -> Address;
    /// Writes `id`'s key.
    fn set_key(&mut self, id: Address, key: U256);
    /// Writes `id`'s successor.
    fn set_next(&mut self, id: Address, next: Address);
    /// Writes `id`'s predecessor.
    fn set_prev(&mut self, id: Address, prev: Address);
}

/// `contains`: whether `id` is in the list.
pub fn contains<S: ListStore + ?Sized>(s: &S, id: Address) -> bool {
    !s.key(id).is_zero()
}

/// `isFull`.
pub fn is_full<S: ListStore + ?Sized>(s: &S) -> bool {
    s.size() == s.max_size()
}

/// `setMaxSize`: the maximum can only grow.
pub fn set_max_size<S: ListStore + ?Sized>(s: &mut S, size: U256) -> Result<(), Revert> {
    require(size > s.max_size(), ERR_MAX_SIZE)?;
    s.set_max_size(size);
    Ok(())
}

/// `insert(id, key, prevHint, nextHint)`; an invalid hint is repaired by a search.
pub fn insert<S: ListStore + ?Sized>(s: &mut S, id: Address, key: U256, prev: Address, next: Address) -> Result<(), Revert> {
    require(!is_full(s), ERR_FULL)?;
    require(!contains(s, id), ERR_DUPLICATE)?;
    require(id != NULL, ERR_NULL_ID)?;
    require(!key.is_zero(), ERR_ZERO_KEY)?;
    let (prev, next) = if valid_insert_position(s, key, prev, next) { (prev, next) } else { find_insert_position(s, key, prev, next) };
    s.set_key(id, key);
    if prev == NULL && next == NULL {
        s.set_head(id);
        s.set_tail(id);
    } else if prev == NULL {
        let head = s.head();
        s.set_next(id, head);
        s.set_prev(head, id);
        s.set_head(id);
    } else if next == NULL {
        let tail = s.tail();
        s.set_prev(id, tail);
        s.set_next(tail, id);
        s.set_tail(id);
    } else {
        s.set_next(id, next);
        s.set_prev(id, prev);
        s.set_next(prev, id);
        s.set_prev(next, id);
    }
    let size = add(s.size(), U256::from(1u8))?;
    s.set_size(size);
    Ok(())
}

/// `remove(id)`: unlinks and deletes the node.
pub fn remove<S: ListStore + ?Sized>(s: &mut S, id: Address) -> Result<(), Revert> {
    require(contains(s, id), ERR_NOT_IN_LIST)?;
    let size = s.size();
    if size > U256::from(1u8) {
        let (prev, next) = (s.prev(id), s.next(id));
        if id == s.head() {
            s.set_head(next);
            s.set_prev(next, NULL);
        } else if id == s.tail() {
            s.set_tail(prev);
            s.set_next(prev, NULL);
        } else {
            s.set_next(prev, next);
            s.set_prev(next, prev);
        }
    } else {
        s.set_head(NULL);
        s.set_tail(NULL);
    }
    s.set_key(id, U256::ZERO);
    s.set_next(id, NULL);
    s.set_prev(id, NULL);
    s.set_size(sub(size, U256::from(1u8))?);
    Ok(())
}

/// `updateKey(id, key, prevHint, nextHint)`: remove and re-insert; a zero key only removes.
pub fn update_key<S: ListStore + ?Sized>(s: &mut S, id: Address, key: U256, prev: Address, next: Address) -> Result<(), Revert> {
    remove(s, id)?;
    if !key.is_zero() {
        insert(s, id, key, prev, next)?;
    }
    Ok(())
}

/// `validInsertPosition`: whether `key` fits between `prev` and `next`.
pub fn valid_insert_position<S: ListStore + ?Sized>(s: &S, key: U256, prev: Address, next: Address) -> bool {
    if prev == NULL && next == NULL {
        s.size().is_zero()
    } else if prev == NULL {
        s.head() == next && key >= s.key(next)
    } else if next == NULL {
        s.tail() == prev && key <= s.key(prev)
    } else {
        s.next(prev) == next && s.key(prev) >= key && key >= s.key(next)
    }
}

/// `findInsertPosition`: discards unusable hints, then walks the list from what is left.
pub fn find_insert_position<S: ListStore + ?Sized>(s: &S, key: U256, prev: Address, next: Address) -> (Address, Address) {
    let mut prev = prev;
    let mut next = next;
    if prev != NULL && (!contains(s, prev) || key > s.key(prev)) {
        prev = NULL;
    }
    if next != NULL && (!contains(s, next) || key < s.key(next)) {
        next = NULL;
    }
    if prev == NULL && next == NULL {
        descend(s, key, s.head())
    } else if prev == NULL {
        ascend(s, key, next)
    } else {
        descend(s, key, prev)
    }
}

/// `descendList`: walks towards smaller keys from `start`.
fn descend<S: ListStore + ?Sized>(s: &S, key: U256, start: Address) -> (Address, Address) {
    if s.head() == start && key >= s.key(start) {
        return (NULL, start);
    }
    let mut prev = start;
    let mut next = s.next(prev);
    while prev != NULL && !valid_insert_position(s, key, prev, next) {
        prev = s.next(prev);
        next = s.next(prev);
    }
    (prev, next)
}

/// `ascendList`: walks towards larger keys from `start`.
fn ascend<S: ListStore + ?Sized>(s: &S, key: U256, start: Address) -> (Address, Address) {
    if s.tail() == start && key <= s.key(start) {
        return (start, NULL);
    }
    let mut next = start;
    let mut prev = s.prev(next);
    while next != NULL && !valid_insert_position(s, key, prev, next) {
        next = s.prev(next);
        prev = s.prev(next);
    }
    (prev, next)
}

/// An in-memory [`ListStore`] for native tests and models.
#[cfg(any(test, feature = "model"))]
pub mod memory {
    use super::*;
    extern crate std;
    use std::collections::HashMap;
    use std::vec::Vec;

    /// A list held in a `HashMap`.
    #[derive(Debug, Clone, Default)]
    pub struct MemList {
        head: Address,
        tail: Address,
        size: U256,
        max_size: U256,
        nodes: HashMap<Address, (U256, Address, Address)>,
    }

    impl MemList {
        /// An empty list holding at most `max_size` nodes.
        pub fn new(max_size: u64) -> Self {
            Self { max_size: U256::from(max_size), ..Self::default() }
        }

        /// Ids from head to tail.
        pub fn ids(&self) -> Vec<Address> {
            let mut out = Vec::new();
            let mut id = self.head;
            while id != NULL {
                out.push(id);
                id = self.next(id);
            }
            out
        }
    }

    impl ListStore for MemList {
        fn head(&self) -> Address {
            self.head
        }
        fn tail(&self) -> Address {
            self.tail
        }
        fn size(&self) -> U256 {
            self.size
        }
        fn max_size(&self) -> U256 {
            self.max_size
        }
        fn set_head(&mut self, id: Address) {
            self.head = id;
        }
        fn set_tail(&mut self, id: Address) {
            self.tail = id;
        }
        fn set_size(&mut self, size: U256) {
            self.size = size;
        }
        fn set_max_size(&mut self, size: U256) {
            self.max_size = size;
        }
        fn key(&self, id: Address) -> U256 {
            self.nodes.get(&id).map_or(U256::ZERO, |n| n.0)
        }
        fn next(&self, id: Address) -> Address {
            self.nodes.get(&id).map_or(NULL, |n| n.1)
        }
        fn prev(&self, id: Address) -> Address {
            self.nodes.get(&id).map_or(NULL, |n| n.2)
        }
        fn set_key(&mut self, id: Address, key: U256) {
            self.nodes.entry(id).or_default().0 = key;
        }
        fn set_next(&mut self, id: Address, next: Address) {
            self.nodes.entry(id).or_default().1 = next;
        }
        fn set_prev(&mut self, id: Address, prev: Address) {
            self.nodes.entry(id).or_default().2 = prev;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::memory::MemList;
    use super::*;
    use lpx_contracts_common::revert::err;

    fn id(n: u8) -> Address {
        Address::with_last_byte(n)
    }
    fn k(x: u64) -> U256 {
        U256::from(x)
    }
    /// ids 1..6 with keys [13, 11, 9, 7, 5, 3], max size 10 (the Solidity tests' fixture).
    fn fixture() -> MemList {
        let mut l = MemList::new(10);
        for (i, key) in [13u64, 11, 9, 7, 5, 3].iter().enumerate() {
            let prev = if i == 0 { NULL } else { id(i as u8) };
            insert(&mut l, id(i as u8 + 1), k(*key), prev, NULL).unwrap();
        }
        l
    }

    #[test]
    fn v45_insert_into_empty_and_limits() {
        let mut l = MemList::new(3);
        insert(&mut l, id(1), k(13), NULL, NULL).unwrap();
        assert_eq!((l.head(), l.tail(), l.size()), (id(1), id(1), k(1)));
        insert(&mut l, id(2), k(11), id(1), NULL).unwrap();
        insert(&mut l, id(3), k(9), id(2), NULL).unwrap();
        assert_eq!(insert(&mut l, id(4), k(7), id(3), NULL), Err(err(ERR_FULL)));
        assert_eq!(set_max_size(&mut l, k(1)), Err(err(ERR_MAX_SIZE)));
        assert_eq!(set_max_size(&mut l, k(3)), Err(err(ERR_MAX_SIZE)));
        set_max_size(&mut l, k(4)).unwrap();
        assert_eq!(insert(&mut l, id(1), k(5), NULL, NULL), Err(err(ERR_DUPLICATE)));
        assert_eq!(insert(&mut l, NULL, k(5), NULL, NULL), Err(err(ERR_NULL_ID)));
        assert_eq!(insert(&mut l, id(9), U256::ZERO, NULL, NULL), Err(err(ERR_ZERO_KEY)));
        assert_eq!(remove(&mut l, id(9)), Err(err(ERR_NOT_IN_LIST)));
        assert_eq!(update_key(&mut l, id(9), k(1), NULL, NULL), Err(err(ERR_NOT_IN_LIST)));
    }

    #[test]
    fn v46_update_key_without_hints() {
        let mut l = fixture();
        update_key(&mut l, id(4), k(10), NULL, NULL).unwrap();
        assert_eq!(l.ids(), [1, 2, 4, 3, 5, 6].map(id));
        let mut l = fixture();
        update_key(&mut l, id(4), k(4), NULL, NULL).unwrap();
        assert_eq!(l.ids(), [1, 2, 3, 5, 4, 6].map(id));
        update_key(&mut l, id(4), U256::ZERO, NULL, NULL).unwrap();
        assert_eq!(l.ids(), [1, 2, 3, 5, 6].map(id));
        assert!(!contains(&l, id(4)));
        assert_eq!(l.size(), k(5));
    }

    #[test]
    fn v47_hint_recovery() {
        // Hint (id3, id5) after id3 was removed: placed between id2 and id5.
        let mut l = fixture();
        remove(&mut l, id(4)).unwrap();
        remove(&mut l, id(3)).unwrap();
        insert(&mut l, id(4), k(7), id(3), id(5)).unwrap();
        assert_eq!(l.ids(), [1, 2, 4, 5, 6].map(id));

        // Hint prev updated down to 6 (id3 now key 6): placed between id2 and id3.
        let mut l = fixture();
        remove(&mut l, id(4)).unwrap();
        update_key(&mut l, id(3), k(6), NULL, NULL).unwrap();
        insert(&mut l, id(4), k(7), id(3), id(5)).unwrap();
        assert_eq!(l.ids(), [1, 2, 4, 3, 5, 6].map(id));

        // Hint next removed: placed between id3 and id6.
        let mut l = fixture();
        remove(&mut l, id(4)).unwrap();
        remove(&mut l, id(5)).unwrap();
        insert(&mut l, id(4), k(7), id(3), id(5)).unwrap();
        assert_eq!(l.ids(), [1, 2, 3, 4, 6].map(id));

        // Hint next increased to 8: placed between id5 (8) and id6.
        let mut l = fixture();
        remove(&mut l, id(4)).unwrap();
        update_key(&mut l, id(5), k(8), NULL, NULL).unwrap();
        insert(&mut l, id(4), k(7), id(3), id(5)).unwrap();
        assert_eq!(l.ids(), [1, 2, 3, 5, 4, 6].map(id));

        // Loose hint (id1, id6): placed between id3 and id5.
        let mut l = fixture();
        remove(&mut l, id(4)).unwrap();
        insert(&mut l, id(4), k(7), id(1), id(6)).unwrap();
        assert_eq!(l.ids(), [1, 2, 3, 4, 5, 6].map(id));
    }

    #[test]
    fn ties_go_in_front_without_hint_and_behind_with_tail_hint() {
        // [10(A), 5(B), 5(C), 3(D)] + 5(E) without hints => [A, E, B, C, D].
        let mut l = MemList::new(10);
        insert(&mut l, id(1), k(10), NULL, NULL).unwrap();
        insert(&mut l, id(2), k(5), id(1), NULL).unwrap();
        insert(&mut l, id(3), k(5), id(2), NULL).unwrap();
        insert(&mut l, id(4), k(3), id(3), NULL).unwrap();
        insert(&mut l, id(5), k(5), NULL, NULL).unwrap();
        assert_eq!(l.ids(), [1, 5, 2, 3, 4].map(id));
        // Equal-to-head key without hint becomes the new head.
        insert(&mut l, id(6), k(10), NULL, NULL).unwrap();
        assert_eq!(l.ids()[0], id(6));
        // Keys [13..3]: key 3 with hint (0, node of 3) becomes the new tail.
        let mut l = fixture();
        insert(&mut l, id(7), k(3), NULL, id(6)).unwrap();
        assert_eq!(l.tail(), id(7));
        assert_eq!(l.prev(id(7)), id(6));
    }

    #[test]
    fn remove_head_tail_middle_and_last() {
        let mut l = fixture();
        remove(&mut l, id(1)).unwrap();
        assert_eq!((l.head(), l.prev(id(2))), (id(2), NULL));
        remove(&mut l, id(6)).unwrap();
        assert_eq!((l.tail(), l.next(id(5))), (id(5), NULL));
        remove(&mut l, id(3)).unwrap();
        assert_eq!((l.next(id(2)), l.prev(id(4))), (id(4), id(2)));
        for n in [2, 4, 5] {
            remove(&mut l, id(n)).unwrap();
        }
        assert_eq!((l.head(), l.tail(), l.size()), (NULL, NULL, U256::ZERO));
    }

    #[test]
    fn zero_max_size_is_always_full() {
        let mut l = MemList::new(0);
        assert_eq!(insert(&mut l, id(1), k(1), NULL, NULL), Err(err(ERR_FULL)));
    }
}
