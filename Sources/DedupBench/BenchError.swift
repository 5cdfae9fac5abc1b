/// A one-line error of a benchmark or replay run, for the terminal (the CLI prints its description).
package struct BenchError: Error, CustomStringConvertible {
    /// What went wrong, in words a user can act on.
    package let description: String

    /// An error saying `description`.
    package init(_ description: String) {
        self.description = description
    }
}
