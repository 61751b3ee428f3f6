# Sphinx configuration of the collection's HTML docs (make docs). Based on antsibull-docs sphinx-init, without
# intersphinx: the build must not reach the network, so references resolve within this site only.

project = "funmagic.elasticache"
copyright = "funmagic.elasticache contributors"  # pylint: disable=redefined-builtin
title = "funmagic.elasticache"
html_short_title = "funmagic.elasticache"

extensions = ["sphinx_antsibull_ext"]

pygments_style = "ansible"
highlight_language = "YAML+Jinja"

html_theme = "sphinx_ansible_theme"
html_show_sphinx = False
html_use_smartypants = True
html_use_modindex = False
html_use_index = False
html_copy_source = False

default_role = "any"
nitpicky = True
