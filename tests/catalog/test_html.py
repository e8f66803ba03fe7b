from catalog.services.html import sanitise_html


def test_only_the_allowed_tags_survive():
    dirty = (
        '<h1>Title</h1><p onclick="x()">Hi <strong>there</strong> <em>you</em></p>'
        "<script>steal()</script><img src=x onerror=y><ul><li>one</li></ul>"
        '<blockquote>q</blockquote><h3>h3</h3><h4>h4</h4><br><iframe src="https://e.x"></iframe>'
    )
    assert sanitise_html(dirty) == (
        "Title<p>Hi <strong>there</strong> <em>you</em></p><ul><li>one</li></ul>"
        "<blockquote>q</blockquote><h3>h3</h3><h4>h4</h4><br>"
    )


def test_links_keep_a_safe_href_and_get_nofollow():
    assert sanitise_html('<a href="https://e.com/x" target="_blank" rel="me">x</a>') == (
        '<a href="https://e.com/x" rel="nofollow noopener">x</a>'
    )
    assert (
        sanitise_html('<a href="javascript:alert(1)">x</a>') == '<a rel="nofollow noopener">x</a>'
    )
    assert sanitise_html("") == ""
