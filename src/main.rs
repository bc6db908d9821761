fn main() -> std::process::ExitCode {
    zongguan::cli::run()
}
