fn main() {
    // Generates `$OUT_DIR/parser.rs` from `src/parser.lalrpop`.
    lalrpop::process_src().expect("the lalrpop grammar must compile");
}
