from sandboxes.server import main
from sandboxes.stripe import StripeSandbox

main(StripeSandbox())
