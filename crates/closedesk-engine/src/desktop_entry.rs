//! A launcher entry for freedesktop.org desktops (GNOME, KDE, …), so that closedesk shows up in
//! the application menu with its icon and the window is matched to it by its app id.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

/// The `.desktop` file shipped in `assets/`; its `Exec=` line is rewritten on install.
const DESKTOP_TEMPLATE: &str = include_str!("../../../assets/closedesk.desktop");

/// The 256×256 application icon.
pub const ICON_PNG: &[u8] = include_bytes!("../../../assets/closedesk.png");

/// The file name of the entry; it matches the window's app id, which is how Wayland
/// compositors find the icon of a running window.
const DESKTOP_FILE_NAME: &str = "closedesk.desktop";

/// Writes the launcher entry and the icon for the current user and returns the files written.
///
/// The entry goes to `$XDG_DATA_HOME/applications/closedesk.desktop` (by default
/// `~/.local/share/applications`) with `Exec=` pointing at the window program (the running
/// `closedesk`, or the one beside a running `closedesk-cli`), and the icon to
/// `…/icons/hicolor/256x256/apps/closedesk.png`. Running it again overwrites both. Nothing is
/// written when that program does not exist: an entry that starts nothing would only fail
/// later, when clicked.
pub fn install_for_current_user() -> anyhow::Result<Vec<PathBuf>> {
    // Windows and macOS read no `.desktop` files: an entry written there would do nothing.
    anyhow::ensure!(
        !cfg!(any(windows, target_os = "macos")),
        "install-desktop-entry is for Linux and other freedesktop.org desktops; on {} there is no \
         such menu entry to install: start closedesk from where it is, or pin it yourself",
        std::env::consts::OS
    );
    let exe = std::env::current_exe().context("cannot find the path of the running closedesk binary")?;
    let program = existing_window_program(&exe)?;
    let dirs = directories::BaseDirs::new().context("cannot find the home folder of the current user")?;
    install_into(dirs.data_dir(), &program)
}

/// [`window_program`] for `exe`, if it is a file that exists.
fn existing_window_program(exe: &Path) -> anyhow::Result<PathBuf> {
    let program = window_program(exe);
    anyhow::ensure!(
        program.is_file(),
        "{}: no closedesk window program is there, so no desktop entry was installed; the entry starts \
         `closedesk` from the folder of {} — put it there, or run `closedesk install-desktop-entry` \
         from where it is",
        program.display(),
        exe.display()
    );
    Ok(program)
}

/// The program the entry starts: the running one, or, when that is `closedesk-cli` (which
/// never opens the window), the `closedesk` beside it.
fn window_program(exe: &Path) -> PathBuf {
    if exe.file_stem().is_some_and(|stem| stem == "closedesk-cli") {
        let mut window = exe.with_file_name("closedesk");
        if let Some(extension) = exe.extension() {
            window.set_extension(extension);
        }
        window
    } else {
        exe.to_owned()
    }
}

/// Writes the entry and icon below `data_dir` for the binary at `exe`.
fn install_into(data_dir: &Path, exe: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let entry_path = data_dir.join("applications").join(DESKTOP_FILE_NAME);
    let icon_path = data_dir.join("icons/hicolor/256x256/apps/closedesk.png");
    let entry = desktop_entry_for(exe)?;
    write_file(&entry_path, entry.as_bytes())?;
    write_file(&icon_path, ICON_PNG)?;
    Ok(vec![entry_path, icon_path])
}

fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create the folder {}", parent.display()))?;
    }
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// The shipped entry with its `Exec=` line replaced by one that runs `exe`.
fn desktop_entry_for(exe: &Path) -> anyhow::Result<String> {
    let exe = exe.to_str().with_context(|| {
        format!("the path of the closedesk binary is not valid UTF-8, which desktop entries require: {}", exe.display())
    })?;
    anyhow::ensure!(!exe.contains(['\n', '\r']), "the path of the closedesk binary contains a line break");
    let exec_line = format!("Exec={}", exec_value(exe));
    let mut text = String::with_capacity(DESKTOP_TEMPLATE.len() + exec_line.len());
    for line in DESKTOP_TEMPLATE.lines() {
        text.push_str(if line.starts_with("Exec=") { &exec_line } else { line });
        text.push('\n');
    }
    Ok(text)
}

/// Spells a program path as the value of `Exec=`, following the Desktop Entry Specification:
/// an argument with reserved characters is double-quoted with `"`, `` ` ``, `$` and `\` escaped,
/// `%` is doubled because it starts a field code, and every backslash is then doubled once more
/// because the string escape rules apply before the quoting rules.
fn exec_value(program: &str) -> String {
    const RESERVED: &[char] =
        &[' ', '\t', '"', '\'', '\\', '>', '<', '~', '|', '&', ';', '$', '*', '?', '#', '(', ')', '`'];
    let quoted = if program.contains(RESERVED) {
        let mut quoted = String::from("\"");
        for ch in program.chars() {
            if matches!(ch, '"' | '`' | '$' | '\\') {
                quoted.push('\\');
            }
            quoted.push(ch);
        }
        quoted.push('"');
        quoted
    } else {
        program.to_owned()
    };
    quoted.replace('%', "%%").replace('\\', "\\\\")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn installed_from_closedesk_cli_the_entry_starts_the_window_program_beside_it() {
        assert_eq!(window_program(Path::new("/opt/cd/closedesk-cli")), Path::new("/opt/cd/closedesk"));
        assert_eq!(window_program(Path::new("C:/cd/closedesk-cli.exe")), Path::new("C:/cd/closedesk.exe"));
        assert_eq!(window_program(Path::new("/opt/cd/closedesk")), Path::new("/opt/cd/closedesk"));
    }

    #[test]
    fn the_entry_points_only_at_a_window_program_that_exists() {
        let dir = tempfile::tempdir().unwrap();
        let cli = dir.path().join("closedesk-cli");
        std::fs::write(&cli, b"").unwrap();
        let err = existing_window_program(&cli).unwrap_err().to_string();
        assert!(err.contains(&dir.path().join("closedesk").display().to_string()), "{err}");
        assert!(err.contains("no desktop entry was installed"), "{err}");

        std::fs::create_dir(dir.path().join("closedesk")).unwrap();
        assert!(existing_window_program(&cli).is_err(), "a folder is no program");
        std::fs::remove_dir(dir.path().join("closedesk")).unwrap();

        std::fs::write(dir.path().join("closedesk"), b"").unwrap();
        assert_eq!(existing_window_program(&cli).unwrap(), dir.path().join("closedesk"));
    }

    #[test]
    fn install_writes_the_entry_and_the_icon_for_the_given_binary() {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = dir.path().join("share");
        let exe = Path::new("/opt/closedesk/bin/closedesk");

        let written = install_into(&data_dir, exe).unwrap();

        let entry_path = data_dir.join("applications/closedesk.desktop");
        let icon_path = data_dir.join("icons/hicolor/256x256/apps/closedesk.png");
        assert_eq!(written, vec![entry_path.clone(), icon_path.clone()]);
        let entry = std::fs::read_to_string(&entry_path).unwrap();
        let exec_lines: Vec<_> = entry.lines().filter(|line| line.starts_with("Exec=")).collect();
        assert_eq!(exec_lines, ["Exec=/opt/closedesk/bin/closedesk"]);
        for line in ["[Desktop Entry]", "Type=Application", "Name=closedesk", "Icon=closedesk", "Terminal=false"] {
            assert!(entry.lines().any(|l| l == line), "missing {line:?} in\n{entry}");
        }
        assert_eq!(std::fs::read(&icon_path).unwrap(), ICON_PNG);

        // A second install overwrites rather than failing.
        assert_eq!(install_into(&data_dir, exe).unwrap().len(), 2);
    }

    #[test]
    fn the_icon_is_a_256_pixel_png() {
        assert_eq!(&ICON_PNG[..8], b"\x89PNG\r\n\x1a\n");
        let width = u32::from_be_bytes(ICON_PNG[16..20].try_into().unwrap());
        let height = u32::from_be_bytes(ICON_PNG[20..24].try_into().unwrap());
        assert_eq!((width, height), (256, 256));
    }

    #[test]
    fn paths_with_spaces_and_specials_are_quoted_for_exec() {
        assert_eq!(exec_value("/usr/bin/closedesk"), "/usr/bin/closedesk");
        assert_eq!(exec_value("/home/ann/My Apps/closedesk"), "\"/home/ann/My Apps/closedesk\"");
        assert_eq!(exec_value("/home/ann/100%/closedesk"), "/home/ann/100%%/closedesk");
        assert_eq!(exec_value("/tmp/a$b/closedesk"), "\"/tmp/a\\\\$b/closedesk\"");
    }

    #[test]
    fn a_path_with_a_line_break_is_refused() {
        assert!(desktop_entry_for(Path::new("/tmp/evil\nName=x/closedesk")).is_err());
    }
}
