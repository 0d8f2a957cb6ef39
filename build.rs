//! Gives `closedesk.exe` its icon and version information as Windows resources, which Explorer,
//! the taskbar and the file's Properties show. Does nothing for other targets.

fn main() {
    // The target, not the host: a Linux build of the .exe needs the resources, a Linux binary not.
    println!("cargo:rerun-if-changed=assets/closedesk.ico");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    // windres runs in another folder: the icon's path must not be relative.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR for build scripts");
    let icon = std::path::Path::new(&manifest_dir).join("assets/closedesk.ico");
    let mut resource = winresource::WindowsResource::new();
    resource
        .set_icon(&icon.to_string_lossy())
        .set("FileDescription", "closedesk")
        .set("ProductName", "closedesk")
        .set("OriginalFilename", "closedesk.exe")
        .set("LegalCopyright", "MIT OR Apache-2.0");
    if let Err(err) = resource.compile_for("closedesk") {
        // mingw's windres (Debian: binutils-mingw-w64-x86-64) compiles the resources.
        panic!("cannot compile the Windows resources of closedesk.exe with windres: {err}");
    }
}
