//! The module boundaries: the libraries (agent, scan, store, server, model, classify,
//! analysis) never reach into the command line (`cli`, `commands`), which only maps flags
//! onto them and prints. An import across the line fails here, naming file and line.
use std::path::Path;

const LIBRARIES: [&str; 7] = [
    "agent", "scan", "store", "server", "model", "classify", "analysis",
];
const COMMAND_LINE: [&str; 4] = [
    "crate::cli",
    "crate::commands",
    "super::super::cli",
    "super::super::commands",
];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn libraries_never_import_the_command_line() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut crossings = Vec::new();
    let mut checked = 0;
    for lib in LIBRARIES {
        let mut files = Vec::new();
        rust_files(&src.join(lib), &mut files);
        assert!(!files.is_empty(), "src/{lib} has no Rust files");
        for file in files {
            checked += 1;
            let text = std::fs::read_to_string(&file).expect("read");
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                if COMMAND_LINE.iter().any(|c| code.contains(c)) {
                    crossings.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(checked > 50, "only {checked} files checked");
    assert!(
        crossings.is_empty(),
        "libraries import the command line:\n{}",
        crossings.join("\n")
    );
}
