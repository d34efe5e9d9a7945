//! Nitro's ink prices (spec §2.2-2.4): hostio charges, the per-opcode table mapped onto wasmi
//! fuel, and the memory-page model.

use wasmi::OperatorCost;

/// Ink charged on entry to every hostio.
pub const HOSTIO_INK: u64 = 8_400;
/// Extra ink for a hostio that takes or writes one pointer.
pub const PTR_INK: u64 = 5_040;
/// Ink for a hostio that crosses into the EVM API.
pub const EVM_API_INK: u64 = 59_673;
/// Ink for `math_div` / `math_mod` on top of the hostio charge.
pub const DIV_INK: u64 = 20_000;
/// Ink for `math_add_mod`.
pub const ADD_MOD_INK: u64 = 21_000;
/// Ink for `math_mul_mod`.
pub const MUL_MOD_INK: u64 = 24_100;
/// Ink per EVM gas unless ArbOS says otherwise.
pub const DEFAULT_INK_PRICE: u32 = 10_000;
/// One unit of wasmi fuel stands for this much ink. wasmi prices operators with a `u8`, so Nitro's
/// table (1 to 13,610 ink) is divided by 50 and rounded.
pub const INK_PER_FUEL: u64 = 50;
/// Nitro's per-basic-block header cost, folded into the operators that end a block.
const BLOCK_HEADER_INK: u64 = 2_450;

/// Ink for the host reading `len` bytes from guest memory.
pub fn read_price(len: u64) -> u64 {
    16_381 + 55 * len.saturating_sub(32)
}

/// Ink for the host writing `len` bytes into guest memory.
pub fn write_price(len: u64) -> u64 {
    5_040 + 30 * len.saturating_sub(32)
}

/// Ink for `native_keccak256` over `len` bytes.
pub fn keccak_price(len: u64) -> u64 {
    let words = len.div_ceil(32);
    121_800 + 21_000 * words.saturating_sub(2)
}

/// Ink for `math_pow` with this big-endian exponent: EVM EXP pricing (10 + 50 per significant
/// byte in Nitro's units) plus the hostio overhead.
pub fn pow_price(exponent: &[u8; 32]) -> u64 {
    let significant = 32 - exponent.iter().take_while(|b| **b == 0).count() as u64;
    HOSTIO_INK + 3 * PTR_INK + 3_000 + 17_500 * significant + 17_500
}

fn fuel(ink: u64) -> u8 {
    u8::try_from((ink + INK_PER_FUEL / 2) / INK_PER_FUEL).unwrap_or(u8::MAX)
}

fn block_end(ink: u64) -> u8 {
    fuel(ink + BLOCK_HEADER_INK)
}

/// Nitro's `pricing_v1` opcode table expressed as wasmi fuel. Operators Nitro prices at
/// `u64::MAX` (floats and everything outside the MVP integer set) get the maximum a `u8` holds.
// Field by field rather than one struct literal: families of operators share a price and are
// set in loops below.
#[allow(clippy::field_reassign_with_default)]
pub fn operator_cost() -> OperatorCost {
    let mut c = OperatorCost::default();
    c.unreachable = fuel(1);
    c.nop = fuel(1);
    c.block = fuel(1);
    c.loop_ = block_end(1);
    c.if_ = block_end(765);
    c.else_ = block_end(1);
    c.end = fuel(1);
    c.br = block_end(765);
    c.br_if = block_end(765);
    c.br_table = block_end(2_400);
    c.return_ = block_end(1);
    c.call = block_end(3_800);
    c.call_indirect = block_end(13_610);
    c.drop = fuel(9);
    c.select = fuel(1_250);
    c.typed_select = fuel(1_250);
    c.local_get = fuel(75);
    c.local_tee = fuel(75);
    c.local_set = fuel(210);
    c.global_get = fuel(225);
    c.global_set = fuel(575);
    for l in [&mut c.i32_load, &mut c.i32_load8_s, &mut c.i32_load8_u, &mut c.i32_load16_s, &mut c.i32_load16_u] {
        *l = fuel(670);
    }
    for l in [&mut c.i64_load, &mut c.i64_load8_s, &mut c.i64_load8_u, &mut c.i64_load16_s, &mut c.i64_load16_u, &mut c.i64_load32_s, &mut c.i64_load32_u] {
        *l = fuel(680);
    }
    for s in [&mut c.i32_store, &mut c.i32_store8, &mut c.i32_store16] {
        *s = fuel(825);
    }
    for s in [&mut c.i64_store, &mut c.i64_store8, &mut c.i64_store16, &mut c.i64_store32] {
        *s = fuel(950);
    }
    c.memory_size = fuel(3_000);
    c.memory_grow = fuel(8_050);
    c.i32_const = fuel(1);
    c.i64_const = fuel(1);
    for op in [
        &mut c.i32_eqz,
        &mut c.i32_eq,
        &mut c.i32_ne,
        &mut c.i32_lt_s,
        &mut c.i32_lt_u,
        &mut c.i32_gt_s,
        &mut c.i32_gt_u,
        &mut c.i32_le_s,
        &mut c.i32_le_u,
        &mut c.i32_ge_s,
        &mut c.i32_ge_u,
    ] {
        *op = fuel(170);
    }
    for op in [
        &mut c.i64_eqz,
        &mut c.i64_eq,
        &mut c.i64_ne,
        &mut c.i64_lt_s,
        &mut c.i64_lt_u,
        &mut c.i64_gt_s,
        &mut c.i64_gt_u,
        &mut c.i64_le_s,
        &mut c.i64_le_u,
        &mut c.i64_ge_s,
        &mut c.i64_ge_u,
    ] {
        *op = fuel(225);
    }
    for op in [&mut c.i32_clz, &mut c.i32_ctz, &mut c.i64_clz, &mut c.i64_ctz] {
        *op = fuel(210);
    }
    for op in [
        &mut c.i32_add,
        &mut c.i32_sub,
        &mut c.i32_and,
        &mut c.i32_or,
        &mut c.i32_xor,
        &mut c.i32_shl,
        &mut c.i32_shr_s,
        &mut c.i32_shr_u,
        &mut c.i32_rotl,
        &mut c.i32_rotr,
    ] {
        *op = fuel(70);
    }
    for op in [
        &mut c.i64_add,
        &mut c.i64_sub,
        &mut c.i64_and,
        &mut c.i64_or,
        &mut c.i64_xor,
        &mut c.i64_shl,
        &mut c.i64_shr_s,
        &mut c.i64_shr_u,
        &mut c.i64_rotl,
        &mut c.i64_rotr,
    ] {
        *op = fuel(100);
    }
    c.i32_mul = fuel(160);
    c.i64_mul = fuel(160);
    for op in [&mut c.i32_div_s, &mut c.i32_div_u, &mut c.i32_rem_s, &mut c.i32_rem_u] {
        *op = fuel(1_120);
    }
    for op in [&mut c.i64_div_s, &mut c.i64_div_u, &mut c.i64_rem_s, &mut c.i64_rem_u] {
        *op = fuel(1_270);
    }
    c.i32_popcnt = fuel(2_650);
    c.i64_popcnt = fuel(6_000);
    for op in [
        &mut c.i32_wrap_i64,
        &mut c.i64_extend_i32_s,
        &mut c.i64_extend_i32_u,
        &mut c.i32_extend8_s,
        &mut c.i32_extend16_s,
        &mut c.i64_extend8_s,
        &mut c.i64_extend16_s,
        &mut c.i64_extend32_s,
    ] {
        *op = fuel(100);
    }
    c.memory_copy = fuel(950);
    c.memory_fill = fuel(950);
    for op in [
        &mut c.f32_load,
        &mut c.f64_load,
        &mut c.f32_store,
        &mut c.f64_store,
        &mut c.f32_const,
        &mut c.f64_const,
        &mut c.f32_eq,
        &mut c.f32_ne,
        &mut c.f32_lt,
        &mut c.f32_gt,
        &mut c.f32_le,
        &mut c.f32_ge,
        &mut c.f64_eq,
        &mut c.f64_ne,
        &mut c.f64_lt,
        &mut c.f64_gt,
        &mut c.f64_le,
        &mut c.f64_ge,
        &mut c.f32_abs,
        &mut c.f32_neg,
        &mut c.f32_ceil,
        &mut c.f32_floor,
        &mut c.f32_trunc,
        &mut c.f32_nearest,
        &mut c.f32_sqrt,
        &mut c.f32_add,
        &mut c.f32_sub,
        &mut c.f32_mul,
        &mut c.f32_div,
        &mut c.f32_min,
        &mut c.f32_max,
        &mut c.f32_copysign,
        &mut c.f64_abs,
        &mut c.f64_neg,
        &mut c.f64_ceil,
        &mut c.f64_floor,
        &mut c.f64_trunc,
        &mut c.f64_nearest,
        &mut c.f64_sqrt,
        &mut c.f64_add,
        &mut c.f64_sub,
        &mut c.f64_mul,
        &mut c.f64_div,
        &mut c.f64_min,
        &mut c.f64_max,
        &mut c.f64_copysign,
        &mut c.i32_trunc_f32_s,
        &mut c.i32_trunc_f32_u,
        &mut c.i32_trunc_f64_s,
        &mut c.i32_trunc_f64_u,
        &mut c.i64_trunc_f32_s,
        &mut c.i64_trunc_f32_u,
        &mut c.i64_trunc_f64_s,
        &mut c.i64_trunc_f64_u,
        &mut c.f32_convert_i32_s,
        &mut c.f32_convert_i32_u,
        &mut c.f32_convert_i64_s,
        &mut c.f32_convert_i64_u,
        &mut c.f32_demote_f64,
        &mut c.f64_convert_i32_s,
        &mut c.f64_convert_i32_u,
        &mut c.f64_convert_i64_s,
        &mut c.f64_convert_i64_u,
        &mut c.f64_promote_f32,
        &mut c.i32_reinterpret_f32,
        &mut c.i64_reinterpret_f64,
        &mut c.f32_reinterpret_i32,
        &mut c.f64_reinterpret_i64,
        &mut c.i32_trunc_sat_f32_s,
        &mut c.i32_trunc_sat_f32_u,
        &mut c.i32_trunc_sat_f64_s,
        &mut c.i32_trunc_sat_f64_u,
        &mut c.i64_trunc_sat_f32_s,
        &mut c.i64_trunc_sat_f32_u,
        &mut c.i64_trunc_sat_f64_s,
        &mut c.i64_trunc_sat_f64_u,
        &mut c.memory_init,
        &mut c.data_drop,
        &mut c.table_init,
        &mut c.elem_drop,
        &mut c.table_copy,
        &mut c.table_fill,
        &mut c.table_get,
        &mut c.table_set,
        &mut c.table_grow,
        &mut c.table_size,
    ] {
        *op = u8::MAX;
    }
    c
}

/// Pages a transaction may use before the memory model charges anything (`FreePages`).
pub const FREE_PAGES: u16 = 2;
/// Linear gas per page above the free allowance (`PageGas`).
pub const PAGE_GAS: u16 = 1_000;
/// Most pages a program may have (`PageLimit`).
pub const PAGE_LIMIT: u16 = 128;

/// Nitro's exponential page-cost table, indexed by the transaction's high-water mark in pages
/// (public ArbOS parameters).
const MEMORY_EXPONENTS: [u32; 129] = [
    1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 5, 6, 7, 8, 9, 11, 12, 14, 17, 19, 22, 25, 29, 33, 38, 43, 50, 57, 65, 75, 85, 98, 112, 128, 147, 168, 193, 221,
    253, 289, 331, 379, 434, 497, 569, 651, 745, 853, 976, 1117, 1279, 1463, 1675, 1917, 2194, 2511, 2874, 3290, 3765, 4309, 4932, 5645, 6461, 7395, 8464,
    9687, 11087, 12689, 14523, 16621, 19024, 21773, 24919, 28521, 32642, 37359, 42758, 48938, 56010, 64104, 73368, 83971, 96106, 109994, 125890, 144082,
    164904, 188735, 216010, 247226, 282953, 323844, 370643, 424206, 485509, 555672, 635973, 727880, 833067, 953456, 1091243, 1248941, 1429429, 1636000,
    1872423, 2143012, 2452704, 2807151, 3212820, 3677113, 4208502, 4816684, 5512756, 6309419, 7221210, 8264766, 9459129, 10826093, 12390601, 14181199,
    16230562, 18576084, 21260563, 24332984, 27849408, 31873999,
];

fn exp(pages: u16) -> u64 {
    MEMORY_EXPONENTS.get(usize::from(pages)).map_or(u64::MAX, |v| u64::from(*v))
}

/// Gas for opening `new` pages while `open` are open in this transaction and `ever` were open at
/// the high-water mark (Nitro's `MemoryModel::GasCost`).
pub fn memory_gas(new: u16, open: u16, ever: u16) -> u64 {
    let new_open = open.saturating_add(new);
    let new_ever = ever.max(new_open);
    if new_ever <= FREE_PAGES {
        return 0;
    }
    let sub_free = |p: u16| p.saturating_sub(FREE_PAGES);
    let adding = sub_free(new_open).saturating_sub(sub_free(open));
    let linear = u64::from(adding) * u64::from(PAGE_GAS);
    linear.saturating_add(exp(new_ever).saturating_sub(exp(ever)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_model_is_free_within_allowance() {
        assert_eq!(memory_gas(1, 0, 0), 0);
        assert_eq!(memory_gas(2, 0, 0), 0);
        assert_eq!(memory_gas(1, 2, 2), 1000);
        // Re-opening pages under the high-water mark pays only the linear part.
        assert_eq!(memory_gas(1, 2, 3), 1000);
    }

    #[test]
    fn fuel_table_follows_nitro() {
        let c = operator_cost();
        assert_eq!(c.call, 125);
        assert_eq!(c.i32_add, 1);
        assert_eq!(c.f64_add, u8::MAX);
        assert_eq!(keccak_price(64), 121_800);
        assert_eq!(keccak_price(65), 142_800);
    }
}
