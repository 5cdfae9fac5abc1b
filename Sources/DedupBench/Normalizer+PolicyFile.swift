package import DedupCore
import Foundation

extension Normalizer {
    /// A normaliser with the policies of `policyFile`, or the defaults when there is none.
    package init(policyFile: String?) throws {
        guard let policyFile else {
            self.init()
            return
        }
        self.init(policies: try PolicySet(contentsOf: URL(fileURLWithPath: policyFile)))
    }
}
