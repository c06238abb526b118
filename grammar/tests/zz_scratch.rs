use std::path::Path;
use vigil_grammar::*;
#[test]
fn scratch() {
    let mut files: Vec<_> = std::fs::read_dir("../../shared/corpus").unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e=="conf")).collect();
    files.extend(std::fs::read_dir("/usr/share/doc/keepalived/samples").unwrap().map(|e| e.unwrap().path()).filter(|p| p.file_name().unwrap().to_str().unwrap().starts_with("keepalived.conf")));
    files.sort();
    for f in files {
        let p = parse_path(&f, &Options::default(), &RealFs).unwrap();
        for d in &p.diags {
            let sf = p.sources.get(d.span.file);
            let (l, c) = sf.line_col(d.span.start);
            eprintln!("{}: {} {:?} {}:{} {} [{}]", f.display(), d.kind.code(), d.severity, l, c, d.message, p.sources.slice(d.span));
        }
        let text = std::fs::read_to_string(&f).unwrap();
        match format(&text) {
            Ok(o) => { if format(&o).unwrap() != o { eprintln!("{}: NOT IDEMPOTENT", f.display()); } }
            Err(ds) => eprintln!("{}: FORMAT REFUSED {:?}", f.display(), ds.iter().map(|d| d.kind.code()).collect::<Vec<_>>()),
        }
    }
}
