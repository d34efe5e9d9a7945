//! The wasmi engine, the linker with every hostio, validation at activation and the cache of
//! compiled modules keyed by code hash.

use std::{cell::RefCell, collections::HashMap, rc::Rc};

use alloy_primitives::B256;
use wasmi::{CompilationMode, Config, Engine, ExternType, Linker, Module, ValType};

use super::{
    host::{self, HostData},
    pricing,
};

/// Why activation refused a program.
#[derive(Debug, thiserror::Error)]
pub enum ActivationError {
    /// The code isn't a decompressible Stylus program.
    #[error(transparent)]
    Code(#[from] super::code::CodeError),
    /// wasmi rejected the module (invalid wasm or a disabled feature).
    #[error("invalid wasm: {0}")]
    Invalid(String),
    /// The module breaks one of Nitro's rules.
    #[error("{0}")]
    Rule(String),
}

/// A validated, compiled program.
#[derive(Clone)]
pub struct Program {
    /// The compiled module.
    pub module: Module,
    /// Initial memory pages, charged on every call.
    pub footprint: u16,
    /// Uncompressed wasm size, used for the activation data fee.
    pub wasm_len: usize,
}

/// One wasmi engine with Nitro's feature set, the linker and the module cache.
pub struct StylusRuntime {
    engine: Engine,
    linker: Linker<HostData>,
    cache: RefCell<HashMap<B256, Program>>,
}

impl std::fmt::Debug for StylusRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StylusRuntime").field("cached", &self.cache.borrow().len()).finish()
    }
}

/// Nitro's activation limits (spec §1.11).
const MAX_FUNCTIONS: u32 = 4096;
const MAX_DATA_SEGMENTS: u32 = 128;
const MAX_EXPORTS: u32 = 1024;
const MAX_IMPORTS: u32 = 513;
const MAX_TABLE_ENTRIES: u64 = 4096;
const MAX_LOCALS: u32 = 348;

impl StylusRuntime {
    /// Builds the engine and links the hostios.
    pub fn new() -> Rc<Self> {
        let mut config = Config::default();
        config
            .consume_fuel(true)
            .operator_cost(pricing::operator_cost())
            .fuel_cost(wasmi::CustomFuelCosts {
                // memory.copy/fill: Nitro charges 100 ink a byte, about 2 fuel; wasmi can't
                // charge more than 1 fuel per byte, so bulk copies are a little cheaper here.
                bytes_copied_per_fuel: 1,
                fuel_per_bytes_translated: 0,
                fuel_per_bytes_validated: 0,
            })
            .compilation_mode(CompilationMode::Eager)
            .allow_start_fn(false)
            .wasm_reference_types(false)
            .wasm_multi_value(false)
            .wasm_multi_memory(false)
            .wasm_tail_call(false)
            .wasm_extended_const(false)
            .wasm_memory64(false)
            .wasm_wide_arithmetic(false)
            .wasm_custom_page_sizes(false)
            .set_max_recursion_depth(4_096);
        let engine = Engine::new(&config);
        let mut linker = Linker::new(&engine);
        // SAFETY-free expect: linking a fixed set of distinct names can only fail on a typo.
        host::link(&mut linker).expect("hostio names are distinct");
        Rc::new(Self { engine, linker, cache: RefCell::new(HashMap::new()) })
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The linker with every hostio.
    pub fn linker(&self) -> &Linker<HostData> {
        &self.linker
    }

    /// A cached program, if this code hash was compiled before.
    pub fn cached(&self, codehash: &B256) -> Option<Program> {
        self.cache.borrow().get(codehash).cloned()
    }

    /// Validates and compiles the program in `code` and caches it under `codehash`.
    pub fn compile(&self, codehash: B256, code: &[u8]) -> Result<Program, ActivationError> {
        if let Some(p) = self.cached(&codehash) {
            return Ok(p);
        }
        let wasm = super::code::decode_program(code)?;
        check_limits(&wasm)?;
        let module = Module::new(&self.engine, &wasm).map_err(|e| ActivationError::Invalid(e.to_string()))?;
        let footprint = check_interface(&module)?;
        let program = Program { module, footprint, wasm_len: wasm.len() };
        self.cache.borrow_mut().insert(codehash, program.clone());
        Ok(program)
    }
}

/// Checks imports and exports: only `vm_hooks` functions with the right types, one memory within
/// the page limit, and `user_entrypoint: (i32) -> i32`.
fn check_interface(module: &Module) -> Result<u16, ActivationError> {
    let rule = |s: String| Err(ActivationError::Rule(s));
    for import in module.imports() {
        let (m, n) = (import.module(), import.name());
        if m != "vm_hooks" || !host::IMPORTS.contains(&n) {
            return rule(format!("unknown import {m}::{n}"));
        }
        if !matches!(import.ty(), ExternType::Func(_)) {
            return rule(format!("import {m}::{n} is not a function"));
        }
    }
    let mut footprint = None;
    let mut entrypoint = false;
    for export in module.exports() {
        match (export.name(), export.ty()) {
            ("memory", ExternType::Memory(mem)) => {
                let pages = mem.minimum();
                if pages > u64::from(pricing::PAGE_LIMIT) {
                    return rule(format!("memory of {pages} pages exceeds the limit of {}", pricing::PAGE_LIMIT));
                }
                footprint = Some(pages as u16);
            }
            ("user_entrypoint", ExternType::Func(f)) => {
                if f.params() != [ValType::I32] || f.results() != [ValType::I32] {
                    return rule("user_entrypoint must have type (i32) -> i32".into());
                }
                entrypoint = true;
            }
            _ => {}
        }
    }
    if !entrypoint {
        return rule("missing export user_entrypoint".into());
    }
    footprint.ok_or_else(|| ActivationError::Rule("missing exported memory".into()))
}

/// Counts what wasmi doesn't limit: functions, data segments, exports, imports, table size and
/// locals per function.
fn check_limits(wasm: &[u8]) -> Result<(), ActivationError> {
    use wasmparser::{Parser, Payload};
    let bad = |e: wasmparser::BinaryReaderError| ActivationError::Invalid(e.to_string());
    let rule = |s: String| Err(ActivationError::Rule(s));
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(bad)? {
            Payload::FunctionSection(s) if s.count() > MAX_FUNCTIONS => {
                return rule(format!("{} functions exceed {MAX_FUNCTIONS}", s.count()));
            }
            Payload::DataSection(s) if s.count() > MAX_DATA_SEGMENTS => {
                return rule(format!("{} data segments exceed {MAX_DATA_SEGMENTS}", s.count()));
            }
            Payload::ExportSection(s) if s.count() > MAX_EXPORTS => {
                return rule(format!("{} exports exceed {MAX_EXPORTS}", s.count()));
            }
            Payload::ImportSection(s) if s.count() > MAX_IMPORTS => {
                return rule(format!("{} imports exceed {MAX_IMPORTS}", s.count()));
            }
            Payload::TableSection(s) => {
                for t in s {
                    if t.map_err(bad)?.ty.initial > MAX_TABLE_ENTRIES {
                        return rule(format!("table exceeds {MAX_TABLE_ENTRIES} entries"));
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                let mut locals = 0u32;
                for l in body.get_locals_reader().map_err(bad)? {
                    locals = locals.saturating_add(l.map_err(bad)?.0);
                }
                if locals > MAX_LOCALS {
                    return rule(format!("a function declares {locals} locals, more than {MAX_LOCALS}"));
                }
            }
            Payload::StartSection { .. } => return rule("start functions are not allowed".into()),
            _ => {}
        }
    }
    Ok(())
}
