import RecurCompute

/// A failure that is not a usage mistake: argument-parser prints it as one line
/// ("Error: …") and exits 1, without the usage text.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }

    /// Runs a command's body so that whatever it throws reaches the user as one line.
    static func oneLine(_ body: () throws -> Void) throws {
        do { try body() } catch let error as CommandFailure { throw error } catch { throw CommandFailure("\(error)") }
    }
}

/// Opens the device a command asked for (`auto`, `cpu`, an index, `opencl:N` or part of a name)
/// and prints the one line that names it, and says why when it fell back to the CPU.
func openDevice(_ device: String, verbose: Bool = false) throws -> BackendSelection {
    let selection = try BackendSelector().select(DeviceRequest(parsing: device))
    print("device: \(selection.summary)" + (selection.warning.map { " — \($0)" } ?? ""))
    if verbose, let log = selection.buildLog { print(log) }
    return selection
}
