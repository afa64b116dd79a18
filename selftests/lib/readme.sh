# The README's examples, read from README.md when a test runs, so that a
# test runs what the README shows and the two cannot drift apart.

README_MD=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/README.md

# readme_block SECTION N: the Nth code block (lines indented by four
# spaces) of the README section whose "## " heading begins with SECTION,
# without the indentation.  Blank lines inside a block are kept.
readme_block() {
	awk -v sect="$1" -v want="$2" '
	/^## / {
		insect = index(substr($0, 4), sect) == 1
		inblock = 0
		next
	}
	!insect { next }
	/^    / {
		if (!inblock)
			n++
		inblock = 1
		if (n == want) {
			for (; blanks > 0; blanks--)
				print ""
			print substr($0, 5)
		}
		blanks = 0
		next
	}
	/^[ \t]*$/ { if (inblock) blanks++; next }
	{ inblock = 0; blanks = 0 }
	' "$README_MD"
}
