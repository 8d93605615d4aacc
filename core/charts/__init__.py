"""Chart builders (data in, Altair spec out), the one palette, and the PNG images the charts show."""
