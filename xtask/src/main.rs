//! `cargo xtask dist`: one command for closedesk's release artefacts, written to `target/dist`:
//!
//! - `closedesk_VERSION-1_amd64.deb`, by `cargo deb --no-build` from the Linux release build;
//! - `closedesk-VERSION-windows-x86_64.zip`: both `.exe` files of the Windows release build
//!   (`x86_64-pc-windows-gnu`, cross-built with Debian's mingw-w64), the README and the licences.
//!
//! CI runs this same command and then checks what it made (`.ci/run`, `.ci/windows`).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail, ensure};

/// The Windows target the `.exe` files are built for.
const WINDOWS_TARGET: &str = "x86_64-pc-windows-gnu";

/// The programs of the workspace that are shipped, by package and binary name.
const PROGRAMS: [&str; 2] = ["closedesk", "closedesk-cli"];

/// The documents that go into the Windows zip beside the programs.
const DOCUMENTS: [&str; 3] = ["README.md", "LICENSE-MIT", "LICENSE-APACHE"];

/// The pinned cargo-deb, as CI installs it.
const CARGO_DEB_INSTALL: &str = "cargo install cargo-deb --version 3.8.0 --locked";

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["dist"] => dist(),
        _ => Err(anyhow::anyhow!("usage: cargo xtask dist (builds the .deb and the Windows .zip into target/dist)")),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn dist() -> anyhow::Result<()> {
    let root = workspace_root();
    let target_dir = target_dir(&root);
    let dist = target_dir.join("dist");
    std::fs::create_dir_all(&dist).with_context(|| format!("cannot create {}", dist.display()))?;

    let packages: Vec<&str> = PROGRAMS.iter().flat_map(|name| ["-p", name]).collect();
    run(cargo(&root).args(["build", "--release"]).args(&packages))?;
    run(cargo(&root).args(["build", "--release", "--target", WINDOWS_TARGET]).args(&packages))?;

    let deb = build_deb(&root, &dist)?;
    let zip = build_windows_zip(&root, &target_dir.join(WINDOWS_TARGET).join("release"), &dist)?;
    println!("{}", deb.display());
    println!("{}", zip.display());
    Ok(())
}

/// `cargo deb --no-build` over the release build just made; returns the package's path.
fn build_deb(root: &Path, dist: &Path) -> anyhow::Result<PathBuf> {
    let probe = cargo(root).args(["deb", "--version"]).output();
    if !probe.is_ok_and(|output| output.status.success()) {
        bail!("cargo-deb is not installed, so no .deb can be built: run `{CARGO_DEB_INSTALL}`");
    }
    let output = cargo(root)
        .args(["deb", "--no-build", "-p", "closedesk", "--output"])
        .arg(dist)
        .output()
        .context("cannot run cargo deb")?;
    std::io::stderr().write_all(&output.stderr).ok();
    ensure!(output.status.success(), "cargo deb failed ({})", output.status);
    // cargo-deb prints the path of the package it wrote as its last line.
    let printed = String::from_utf8_lossy(&output.stdout);
    let path = printed
        .lines()
        .rev()
        .map(|line| PathBuf::from(line.trim()))
        .find(|path| path.extension().is_some_and(|extension| extension.eq_ignore_ascii_case("deb")));
    match path {
        Some(path) if path.is_file() => Ok(path),
        _ => bail!("cargo deb succeeded but printed no .deb path that exists: {printed}"),
    }
}

/// Zips the Windows programs in `exe_dir` with the documents; returns the zip's path.
fn build_windows_zip(root: &Path, exe_dir: &Path, dist: &Path) -> anyhow::Result<PathBuf> {
    let version = env!("CARGO_PKG_VERSION");
    let folder = format!("closedesk-{version}");
    let path = dist.join(format!("closedesk-{version}-windows-x86_64.zip"));
    let mut entries: Vec<(String, PathBuf)> =
        PROGRAMS.iter().map(|name| (format!("{folder}/{name}.exe"), exe_dir.join(format!("{name}.exe")))).collect();
    entries.extend(DOCUMENTS.iter().map(|name| (format!("{folder}/{name}"), root.join(name))));

    let file = std::fs::File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, source) in &entries {
        let bytes = std::fs::read(source).with_context(|| format!("cannot read {}", source.display()))?;
        zip.start_file(name.as_str(), options).with_context(|| format!("{}: cannot add {name}", path.display()))?;
        zip.write_all(&bytes).with_context(|| format!("{}: cannot write {name}", path.display()))?;
    }
    zip.finish().with_context(|| format!("cannot finish {}", path.display()))?;
    check_no_dll(&path)?;
    Ok(path)
}

/// The wine shim (`.ci/wine`) sits beside the test copies of the `.exe` files and must never be
/// shipped; Windows has its own bcryptprimitives.dll. No DLL of any kind belongs in the zip.
fn check_no_dll(path: &Path) -> anyhow::Result<()> {
    let file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let archive = zip::ZipArchive::new(file).with_context(|| format!("{}: not a readable zip", path.display()))?;
    for name in archive.file_names() {
        let name = name.with_context(|| format!("{}: an entry has an unreadable name", path.display()))?;
        ensure!(
            !name.to_ascii_lowercase().ends_with(".dll"),
            "{}: holds {name}; no DLL is shipped (the wine shim is for tests only)",
            path.display()
        );
    }
    Ok(())
}

/// The workspace's top folder: xtask lives in `xtask/` just below it.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask/ lies inside the workspace").to_owned()
}

/// Where cargo builds: `CARGO_TARGET_DIR` when set, else `target/` in the workspace.
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

/// The cargo that runs this xtask, in the workspace's folder.
fn cargo(root: &Path) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(root);
    command
}

fn run(command: &mut Command) -> anyhow::Result<()> {
    let status = command.status().with_context(|| format!("cannot run {command:?}"))?;
    ensure!(status.success(), "{command:?} failed ({status})");
    Ok(())
}
