/// A failure that is not a usage mistake: argument-parser prints it as one line
/// ("Error: …") and exits 1, without the usage text.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
